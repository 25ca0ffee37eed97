#!/usr/bin/env node
// Bench the full twelve-step release of a committed copy of examples/hello on the local target, on moto
// and on LocalStack, each with a warm cache; prints the median wall times against "≤ 1.5 × local". Asserts nothing on time.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { commitAppChange, dist, log, makeProject, median, sinceS, stepLine } from './bench-project.mjs';

const { loadProject } = await dist('bake/config/load.js');
const { release } = await dist('simulate/release/release.js');
const { destroyEnvironment } = await dist('simulate/release/destroy.js');
const { AwsApi } = await dist('simulate/aws/api.js');
const { resolveEndpoint } = await dist('simulate/aws/endpoint.js');
const { ec2 } = await dist('simulate/aws/requests.js');
const { discardAmi } = await dist('simulate/aws/discard-ami.js');

// A project name of its own, so no other bench's tags, images, AMIs or environments are touched.
const PROJECT = 'hello-awsbench';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FACTOR = 1.5;
// The engine reads the same variables, so the probe and the releases talk to the same emulators.
const ENDPOINTS = {
  moto: { url: process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005', health: '/moto-api/' },
  localstack: { url: process.env.KILN_LOCALSTACK_ENDPOINT ?? 'http://127.0.0.1:4566', health: '/_localstack/health' },
};
const envOf = (target) => `bench-${target}`;

/** Only warnings reach the terminal, each once (LocalStack's "no ELBv2" would otherwise repeat every release). */
const warned = new Set();
function onEvent(event) {
  if (event.type !== 'notice' || event.level !== 'warn' || warned.has(event.message)) return;
  warned.add(event.message);
  log(`warning: ${event.message}`);
}

/** Why an emulator cannot be used, or null when it answers its health path with a 2xx. */
async function emulatorDown(target) {
  const { url, health } = ENDPOINTS[target];
  try {
    const response = await fetch(new URL(health, url), { signal: AbortSignal.timeout(3000) });
    return response.ok ? null : `GET ${url}${health} answered HTTP ${response.status}`;
  } catch (error) {
    return `GET ${url}${health} failed (${error.cause?.code ?? error.message})`;
  }
}

/** One release through the engine; throws unless it went live, since the next release needs it live. */
async function doRelease(dir, target) {
  const started = performance.now();
  const summary = await release(await loadProject(dir), { env: envOf(target), target, signal: new AbortController().signal, emit: onEvent });
  const wall = sinceS(started);
  if (summary.outcome !== 'live') throw new Error(`${target}: ${summary.release} ended ${summary.outcome}: ${summary.error}`);
  return { summary, wall };
}

/** A warm-up release (layer cache, base AMI, load balancer), then RUNS timed app-only releases. */
async function benchTarget(dir, target) {
  log(`${target}: warm-up release (env ${envOf(target)})`);
  const warmup = await doRelease(dir, target);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    commitAppChange(dir);
    log(`${target}: app-only release ${i + 1}/${RUNS}`);
    runs.push(await doRelease(dir, target));
  }
  // How the ALB was played (LocalStack community has no ELBv2), as the journal records it.
  const state = JSON.parse(readFileSync(join(dir, '.kiln', 'journal', envOf(target), 'env.json'), 'utf8'));
  return { target, warmup, runs, wall: median(runs.map((r) => r.wall)), mode: state.aws?.mode };
}

function report(results, skipped) {
  const local = results.find((r) => r.target === 'local').wall;
  const rows = [['target', `median wall (of ${RUNS})`, 'ratio to local', 'target', 'met/not met']];
  for (const r of results) {
    const ratio = r.wall / local;
    rows.push(r.target === 'local'
      ? [r.target, `${r.wall.toFixed(2)} s`, '1.00×', '(baseline)', '—']
      : [`${r.target}${r.mode ? ` (${r.mode})` : ''}`, `${r.wall.toFixed(2)} s`, `${ratio.toFixed(2)}×`, `≤ ${FACTOR}× (${(local * FACTOR).toFixed(2)} s)`, ratio <= FACTOR ? 'met' : 'not met']);
  }
  for (const [target, why] of Object.entries(skipped)) rows.push([target, 'skipped', '—', `≤ ${FACTOR}×`, `skipped: ${why}`]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const middle = (runs) => runs.find((r) => r.wall === median(runs.map((x) => x.wall)));
  console.log([
    '', `kiln aws bench — examples/hello (copied to a temp dir as ${PROJECT}), warm cache, app-only change per release`,
    `machine: nproc ${availableParallelism()}, node ${process.version}; moto ${ENDPOINTS.moto.url}, LocalStack ${ENDPOINTS.localstack.url}`,
    ...results.map((r) => `${r.target} (env ${envOf(r.target)}): warm-up ${r.warmup.summary.release} ${r.warmup.wall.toFixed(2)} s; timed ${r.runs.map((x) => `${x.summary.release} ${x.wall.toFixed(2)} s`).join(', ')}`),
    ...results.map((r) => `  per-step seconds, ${r.target}, median run ${middle(r.runs).summary.release}: ${stepLine(middle(r.runs).summary)}`),
    '', line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line), '',
    `Each target: one untimed warm-up release, then ${RUNS} timed releases, each after an app-only commit (median shown).`,
    'Wall = release() from call to return: the whole twelve-step rehearsal, including the AMI bake on the emulators.',
  ].join('\n'));
}

/** Untag this bench's images (local ones and the emulated AMIs' localstack-ec2/…); the shared layer cache and base AMIs stay warm. */
async function removeBenchImages() {
  const docker = new Docker();
  const prefixes = [`kiln/${PROJECT}:`, `localstack-ec2/kiln-${PROJECT}-`];
  const images = await docker.listImages({ filters: { reference: [`kiln/${PROJECT}`, `localstack-ec2/kiln-${PROJECT}-*`] } });
  const refs = images.flatMap((image) => image.RepoTags ?? []).filter((ref) => prefixes.some((prefix) => ref.startsWith(prefix)));
  for (const ref of refs) await docker.getImage(ref).remove().catch((error) => log(`could not remove ${ref}: ${error.message}`));
}

/** Deregister this project's AMIs on an emulator, snapshots too: their images are untagged above, so kiln would never reuse them. */
async function deregisterBenchAmis(target) {
  const api = new AwsApi(resolveEndpoint(target, process.env.AWS_REGION ?? 'us-east-1'));
  const found = await api.send(ec2.findImagesTagged('kiln:project', PROJECT));
  for (const image of found.Images ?? []) await discardAmi(api, image.ImageId);
}

async function main() {
  // moto is required; LocalStack is optional (host mode needs Python 3.12+), so it is only skipped.
  const motoDown = await emulatorDown('moto');
  if (motoDown) throw new Error(`moto is not answering: ${motoDown}; start it with \`bash scripts/start-emulators.sh\` (or set KILN_MOTO_ENDPOINT)`);
  const skipped = {};
  const localstackDown = await emulatorDown('localstack');
  if (localstackDown) {
    skipped.localstack = `${localstackDown}; start it with \`bash scripts/start-emulators.sh\``;
    log(`LocalStack skipped: ${skipped.localstack}`);
  }
  const targets = ['local', 'moto', ...(localstackDown ? [] : ['localstack'])];
  const tmp = mkdtempSync(join(tmpdir(), 'kiln-bench-aws-'));
  const touched = [];
  let dir;
  try {
    dir = makeProject(tmp, PROJECT);
    const results = [];
    for (const target of targets) {
      touched.push(target);
      results.push(await benchTarget(dir, target));
    }
    report(results, skipped);
  } finally {
    log('cleaning up: destroying the bench environments, deregistering their AMIs, untagging their images, removing the temp dir');
    for (const target of touched) {
      await destroyEnvironment(await loadProject(dir), envOf(target)).catch((error) => log(`destroy ${envOf(target)} failed: ${error.message}`));
      if (target !== 'local') await deregisterBenchAmis(target).catch((error) => log(`deregistering ${target} AMIs failed: ${error.message}`));
    }
    await removeBenchImages().catch((error) => log(`image cleanup failed: ${error.message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
