#!/usr/bin/env node
// Bench kiln's layered bake against packer's docker builder on a copy of examples/hello.
// Prints figures and a table against the targets; asserts nothing on time.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KILN = join(ROOT, 'bin', 'kiln.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
// A project name of its own, so the example's kiln/hello images are never touched.
const PROJECT = 'hello-bench';
const docker = new Docker();
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s) => (s === undefined ? '—' : `${s.toFixed(2)}s`);

/** Run a command to exit; resolves with its output and wall-clock seconds (spawn to exit). */
function run(cmd, args, { cwd, env } = {}) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      const wall = (performance.now() - started) / 1000;
      if (code === 0) return done({ stdout, stderr, wall });
      const tail = (stderr || stdout).trim().split('\n').slice(-20).join('\n  ');
      fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n  ${tail}`));
    });
  });
}

async function kiln(dir, command, ...args) {
  const { stdout, wall } = await run(process.execPath, [KILN, command, '-C', dir, '--json', ...args], { cwd: dir });
  return { json: JSON.parse(stdout), wall };
}

/** Copy the example to a temp dir without build output or kiln state, under its own project name. */
function copyExample(tmp) {
  const source = join(ROOT, 'examples', 'hello');
  const dir = join(tmp, PROJECT);
  cpSync(source, dir, { recursive: true, filter: (path) => !['dist', '.kiln'].includes(relative(source, path).split(/[\\/]/)[0]) });
  const yamlPath = join(dir, 'kiln.yaml');
  writeFileSync(yamlPath, readFileSync(yamlPath, 'utf8').replace(/^project: .*$/m, `project: ${PROJECT}`));
  return dir;
}

/** A real app-only change each time: a fresh nonce keeps a stale cache from ever matching. */
function editApp(dir) {
  appendFileSync(join(dir, 'src', 'server.mjs'), `// bench edit ${randomBytes(6).toString('hex')}\n`);
}

const layerRef = (layer) => `kiln-cache/${layer.name}:${layer.digest.replace(/^sha256:/, '')}`;

async function removeRef(ref) {
  // By name: an image still used by a child (e.g. the example's own kiln/hello) is only untagged.
  await docker.getImage(ref).remove().catch((error) => { if (error.statusCode !== 404) log(`could not remove ${ref}: ${error.message}`); });
}

async function removeProjectImages() {
  const images = await docker.listImages({ filters: { reference: [`kiln/${PROJECT}`] } });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true }).catch(() => {});
}

/** The base kiln used, as a ref packer can start from, read back from the baked image's labels. */
async function baseOf(imageRef) {
  const labels = (await docker.getImage(imageRef).inspect()).Config.Labels ?? {};
  const source = labels['kiln.os.source'] ?? '';
  if (source.startsWith('debootstrap ')) return { ref: `kiln-base/debootstrap:${labels['kiln.base.digest'].replace(/^sha256:/, '')}`, source };
  if (source.startsWith('image ')) return { ref: source.slice(source.lastIndexOf('@') + 1), source };
  throw new Error(`${imageRef} has no kiln.os.source label`);
}

async function kilnFigures(dir, created) {
  log('prime bake (learns the recipe; builds the debootstrap base only if missing)');
  const prime = await kiln(dir, 'bake');
  const primeLayers = prime.json.layers.reduce((sum, layer) => sum + layer.seconds, 0);
  const baseBuilt = prime.json.base.how === 'built' ? prime.json.seconds - primeLayers : undefined;
  const coldRefs = prime.json.layers.map(layerRef);
  log('removing this recipe\'s kiln-cache layer images and the kiln/' + PROJECT + ' images for a cold bake');
  await removeProjectImages();
  for (const ref of [...coldRefs].reverse()) await removeRef(ref);
  log('cold bake');
  const cold = await kiln(dir, 'bake');
  const noop = [];
  for (let i = 0; i < RUNS; i++) { log(`no-op rebake ${i + 1}/${RUNS}`); noop.push(await kiln(dir, 'bake')); }
  const app = [];
  for (let i = 0; i < RUNS; i++) {
    log(`app-only rebake ${i + 1}/${RUNS}`);
    editApp(dir);
    const bake = await kiln(dir, 'bake');
    bake.json.layers.map(layerRef).filter((ref) => !coldRefs.includes(ref)).forEach((ref) => created.add(ref));
    app.push(bake);
  }
  const boots = [];
  for (let i = 0; i < RUNS; i++) { log(`verify ${i + 1}/${RUNS}`); boots.push((await kiln(dir, 'verify')).json.bootSeconds); }
  return { prime, baseBuilt, cold, noop, app, boots, base: await baseOf(cold.json.image) };
}

/**
 * Push an app-only change: push once (a warm registry), then RUNS times change the app, rebake, verify and
 * time the push. Only the app layer should travel; the push stream says which layers were already there.
 */
async function pushFigures(dir, created) {
  const to = process.env.KILN_BENCH_REGISTRY ?? '127.0.0.1:5000';
  await run('bash', [join(ROOT, 'scripts', 'start-registry.sh')], { env: { ...process.env, KILN_REGISTRY_ADDR: to } });
  log(`push to ${to} (warms the registry with every layer)`);
  await kiln(dir, 'verify');
  const first = await kiln(dir, 'push', '--to', to);
  const pushes = [];
  for (let i = 0; i < RUNS; i++) {
    log(`app-only change, rebake, verify, then the timed push ${i + 1}/${RUNS}`);
    editApp(dir);
    const bake = await kiln(dir, 'bake');
    bake.json.layers.filter((layer) => !layer.cached).map(layerRef).forEach((ref) => created.add(ref));
    await kiln(dir, 'verify');
    pushes.push(await kiln(dir, 'push', '--to', to));
  }
  const push = [...pushes].sort((a, b) => a.wall - b.wall)[Math.floor(pushes.length / 2)];
  const named = (uploaded) => push.json.layers.filter((layer) => uploaded === (layer.outcome === 'uploaded')).map((layer) => `${layer.layer} ${layer.id}`);
  return { to, first, pushes, push, uploaded: named(true), present: named(false) };
}

async function ensurePacker() {
  const version = () => run('packer', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } }).then((r) => r.stdout.trim().split('\n')[0]);
  try { return await version(); } catch (error) { if (error.code !== 'ENOENT') throw error; }
  if (process.getuid?.() !== 0) throw new Error('packer is not installed; run `apt-get install packer` as root');
  log('installing packer from Debian\'s packages');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['install', '-y', '-qq', 'packer'], { env }).catch(async () => {
    await run('apt-get', ['update', '-qq'], { env });
    await run('apt-get', ['install', '-y', '-qq', 'packer'], { env });
  });
  return version();
}

/** The same recipe as a packer 1.6.6 JSON template: kiln's rendered layer scripts, run in order. */
async function writePackerTemplate(dir, baseRef) {
  const { json } = await kiln(dir, 'render', '--out', '.kiln/render');
  const scripts = (layer) => json.files.filter((f) => f.kind === 'layer' && f.name.startsWith(`${layer}/`)).map((f) => resolve(dir, f.file));
  const shell = (extra) => ({
    type: 'shell',
    environment_vars: ['DEBIAN_FRONTEND=noninteractive', 'KILN_INPUTS=/kiln/inputs'],
    execute_command: '{{ .Vars }} sh {{ .Path }}', // kiln runs each script with `sh script`
    ...extra,
  });
  const template = {
    builders: [{ type: 'docker', image: baseRef, pull: false, commit: true }],
    provisioners: [
      shell({ scripts: [...scripts('os'), ...scripts('packages')] }),
      shell({ inline: ['mkdir -p /kiln/inputs/artifact'] }),
      { type: 'file', source: `${join(dir, 'dist')}/`, destination: '/kiln/inputs/artifact' },
      shell({ scripts: scripts('app') }),
      shell({ inline: ['rm -rf /kiln'] }), // as kiln does: inputs never reach the image
    ],
  };
  const path = join(dir, 'packer.json');
  writeFileSync(path, JSON.stringify(template, null, 2));
  return path;
}

/** app.build then packer build, timed together (kiln's bake figures include app.build too). */
async function packerBake(dir, templatePath, tmp, created) {
  const packerTmp = join(tmp, 'packer-tmp');
  mkdirSync(packerTmp, { recursive: true });
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_CACHE_DIR: join(tmp, 'packer-cache'), TMPDIR: packerTmp };
  const build = await run('node', ['build.mjs'], { cwd: dir });
  const packer = await run('packer', ['build', '-machine-readable', '-color=false', templatePath], { cwd: dir, env });
  const id = packer.stdout.split('\n').map((line) => line.split(',')).find((f) => f[2] === 'artifact' && f[4] === 'id')?.[5];
  if (id) created.add(id.trim());
  return { wall: build.wall + packer.wall, packerWall: packer.wall };
}

async function packerFigures(dir, baseRef, tmp, created) {
  const version = await ensurePacker();
  const templatePath = await writePackerTemplate(dir, baseRef);
  log(`packer cold bake (${version})`);
  const cold = await packerBake(dir, templatePath, tmp, created);
  log('packer rebake after an app-only change');
  editApp(dir);
  const app = await packerBake(dir, templatePath, tmp, created);
  return { version, cold, app };
}

async function machineInfo() {
  const engine = await docker.version();
  return [
    `machine: nproc ${availableParallelism()}, ${cpus()[0]?.model?.trim() ?? 'unknown cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `software: node ${process.version}, docker engine ${engine.Version} (${engine.Os}/${engine.Arch})`,
  ];
}

function report(info, k, p, push) {
  const both = (bakes) => `${fmt(median(bakes.map((b) => b.json.seconds)))} / ${fmt(median(bakes.map((b) => b.wall)))}`;
  const appWall = median(k.app.map((b) => b.wall));
  const noopWall = median(k.noop.map((b) => b.wall));
  const boot = median(k.boots);
  const verdict = (ok) => (ok ? 'met' : 'missed');
  const rows = [
    ['figure', 'kiln (internal / wall)', 'packer (wall)', 'target', 'kiln wall vs target'],
    ['cold bake', `${fmt(k.cold.json.seconds)} / ${fmt(k.cold.wall)}`, fmt(p.cold.wall), '—', '—'],
    [`no-op rebake (median of ${k.noop.length})`, both(k.noop), 'n/a (no cache)', '≤ 1 s', verdict(noopWall <= 1)],
    [`app-only rebake (median of ${k.app.length})`, both(k.app), fmt(p.app.wall), `≤ 3 s and ≤ 0.2 × packer (${fmt(0.2 * p.app.wall)})`, verdict(appWall <= 3 && appWall <= 0.2 * p.app.wall)],
    [`boot to healthy (median of ${k.boots.length})`, fmt(boot), 'n/a', '≤ 1 s', verdict(boot <= 1)],
    [`push after an app-only change${push.pushes ? ` (median of ${push.pushes.length})` : ''}`, push.push ? `${fmt(push.push.json.seconds)} / ${fmt(push.push.wall)}` : '—', 'n/a', '≤ 2 s', push.push ? verdict(push.push.wall <= 2) : 'not run'],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const baseNote = k.baseBuilt !== undefined
    ? `base: ${k.base.source}, built cold by this run in ≈${fmt(k.baseBuilt)} (prime bake minus its layers), then reused by every bake below`
    : `base: ${k.base.source} (${k.prime.json.base.how}); reused, not rebuilt — the cold bake rebuilds the os, packages and app layers on top of it`;
  console.log([
    '', 'kiln bake bench — examples/hello (copied to a temp dir)', ...info, `packer: ${p.version}, docker builder, no layer cache`, baseNote,
    `cold kiln layers: ${k.cold.json.layers.map((l) => `${l.name} ${fmt(l.seconds)}`).join(', ')}`,
    `app-only kiln runs (internal / wall): ${k.app.map((b) => `${fmt(b.json.seconds)} / ${fmt(b.wall)}`).join(', ')}`,
    `packer runs (app.build + packer build): cold ${fmt(p.cold.wall)}, app-only ${fmt(p.app.wall)}`,
    ...(push.push
      ? [`push to ${push.to}: first push ${fmt(push.first.wall)} (wall); after an app-only change (internal / wall): ${push.pushes.map((run) => `${fmt(run.json.seconds)} / ${fmt(run.wall)}`).join(', ')}`,
        `  the median push uploaded ${push.uploaded.join(', ') || 'nothing'}; already in the registry: ${push.present.join(', ') || 'nothing'}`]
      : [`push: not measured (${push.why})`]),
    '', line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line), '',
    `ratio kiln app-only / packer app-only (wall): ${(appWall / p.app.wall).toFixed(3)}`,
    'kiln wall = `node bin/kiln.js … --json` from spawn to exit; internal = the bake\'s own `seconds`. Both include app.build.',
    'push: internal = the push\'s own `seconds` (resolve, check the verification, tag, push, journal); wall adds node startup.',
  ].join('\n'));
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
  const created = new Set(); // images this run made beyond the example's own recipe
  try {
    const dir = copyExample(tmp);
    const info = await machineInfo();
    const k = await kilnFigures(dir, created);
    // A figure, not a gate: a host without a registry still gets the bake figures.
    const push = await pushFigures(dir, created).catch((error) => ({ why: error.message.split('\n')[0] }));
    const p = await packerFigures(dir, k.base.ref, tmp, created);
    report(info, k, p, push);
  } finally {
    log('cleaning up the temp dir and the images this run created');
    await removeProjectImages();
    for (const ref of [...created].sort((a, b) => a.startsWith('kiln-cache/') - b.startsWith('kiln-cache/'))) await removeRef(ref);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
