#!/usr/bin/env node
// Bench the CLI's responsiveness: start-up, the UI's first frame, and what the UI costs an engine that
// streams 50k log lines. Prints figures against the targets; asserts nothing. Needs `npm run build`.
//
// What is measured:
//   1. `kiln --version` (and --help): spawn to exit. hyperfine when installed, else N spawns, median.
//   2. `kiln` to first frame: spawn under a pty (util-linux `script`, 120x40) to the first output that
//      holds the home view ("Actions"), then q. N runs, median. Includes node start, ink/React load,
//      kiln.yaml load and the first render; the project is a temp copy of examples/hello.
//   3. Engine slowdown, UI vs --json, 50k 'log' events through the real reporter code paths:
//      a. synthetic: a driver emits 50k log events in bursts of 500 per macrotask (as stream 'data'
//         callbacks do), the release's step events around them; wall time from the first emit until
//         the driver's last burst returns, plus the drain (the UI's last flush and render).
//      b. child process: the engine's own runProjectCommand (app.build's path) runs a node child
//         printing 50k lines; wall time of the call.
//      --json side: JSON.stringify + a synchronous write to /dev/null per event (what `kiln release
//      --json > file` does). UI side: a Session with the real App mounted by ink on a fake 120x40 TTY
//      (output discarded), the events going through runActivity into the EventStore (ring buffer,
//      batched flush) and the .kiln/logs file, exactly as a release from the UI.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

// The UI side loads React as `kiln` does: its production build (cli/commands/ui.ts sets NODE_ENV for the import).
process.env.NODE_ENV ??= 'production';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KILN = join(ROOT, 'bin', 'kiln.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// BENCH_ONLY=startup or BENCH_ONLY=slowdown runs one half.
const LINES = 50_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'CI' && key !== 'CONTINUOUS_INTEGRATION'));

function spawnTime(args) {
  const started = performance.now();
  const result = spawnSync('node', [KILN, ...args], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`kiln ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

function startup(args) {
  const hyperfine = spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
  if (hyperfine) {
    const out = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', '/dev/stdout', `node ${KILN} ${args.join(' ')}`], { encoding: 'utf8' });
    const result = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))).results[0];
    return { how: 'hyperfine', median: result.median * 1000, min: result.min * 1000 };
  }
  spawnTime(args);
  const times = Array.from({ length: RUNS }, () => spawnTime(args));
  return { how: `${RUNS} spawns`, median: median(times), min: Math.min(...times) };
}

/** Spawn to the first pty output that holds the home view. */
function firstFrame(dir) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const command = `stty rows 40 cols 120; exec node ${KILN} -C ${dir} --env bench-ui`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let seen;
    child.stdin.on('error', () => {});
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (seen === undefined && out.includes('Actions')) {
        seen = performance.now() - started;
        child.stdin.write('q');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      if (seen === undefined) fail(new Error(`no first frame; output:\n${out.slice(-500)}`));
      else done(seen);
    });
  });
}

/** A 120x40 terminal that discards what ink draws. */
class FakeTty extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  bytes = 0;
  _write(chunk, _encoding, done) {
    this.bytes += chunk.length;
    done();
  }
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}

const STEP_NAMES = ['freeze', 'tag', 'build', 'test', 'image', 'configure', 'launch', 'test image', 'start services', 'cutover', 'test in production', 'shut down old stack'];

/** The synthetic engine: step 3 streams LINES log lines in bursts of 500, one burst per macrotask. */
async function syntheticRelease(emit) {
  emit({ type: 'release', release: 'bench-r1', status: 'started' });
  emit({ type: 'step', n: 3, name: 'build', status: 'running' });
  for (let line = 0; line < LINES; ) {
    for (const end = line + 500; line < end; line++) emit({ type: 'log', source: 'app.build', line: `compiling module ${line} of ${LINES}: src/components/widget-${line % 97}.ts` });
    await new Promise((next) => setImmediate(next));
  }
  emit({ type: 'step', n: 3, name: 'build', status: 'done', seconds: 1 });
}

function childRelease(runProjectCommand, dir) {
  const script = `for (let i = 0; i < ${LINES}; i++) console.log('compiling module ' + i + ' of ${LINES}: src/components/widget-' + (i % 97) + '.ts')`;
  return (emit) => runProjectCommand(`node -e "${script}"`, dir, 'app.build', emit);
}

async function viaJson(engine) {
  const fd = openSync('/dev/null', 'w');
  const emit = (event) => writeSync(fd, `${JSON.stringify(event)}\n`);
  const started = performance.now();
  await engine(emit);
  const seconds = performance.now() - started;
  closeSync(fd);
  return seconds;
}

async function viaUi(engine, modules, dir) {
  const { render, React, App, Session, runActivity } = modules;
  const stdout = new FakeTty();
  const quietEngine = { history: async () => [], status: async () => { throw new Error('not benched'); }, stepNames: async () => STEP_NAMES };
  const session = new Session({ project: { project: 'bench', dir }, env: 'bench', yes: true, faults: [], engine: quietEngine, onExit: () => {} });
  const instance = render(React.createElement(App, { session }), { stdout, stdin: new FakeStdin(), stderr: stdout, exitOnCtrlC: false, patchConsole: false });
  let seconds = 0;
  await runActivity(session, {
    kind: 'release', title: 'bench', stepNames: STEP_NAMES,
    run: async (emit) => {
      const started = performance.now();
      await engine(emit);
      // The drain: the UI's last batched flush and the render it causes.
      session.events.flush();
      await new Promise((next) => setImmediate(next));
      seconds = performance.now() - started;
    },
    describe: () => ({ outcome: 'done', result: [] }),
  });
  instance.unmount();
  session.dispose();
  return { seconds, bytes: stdout.bytes, lines: session.events.getSnapshot().logCount };
}

async function slowdown(name, engine, modules, dir) {
  const json = [];
  const ui = [];
  let last;
  await viaJson(engine);
  await viaUi(engine, modules, dir);
  for (let run = 0; run < 5; run++) {
    json.push(await viaJson(engine));
    last = await viaUi(engine, modules, dir);
    ui.push(last.seconds);
  }
  const [j, u] = [median(json), median(ui)];
  log(`${name}: --json ${ms(j)}, UI ${ms(u)} (${last.lines} entries in the ring, ${(last.bytes / 1024).toFixed(0)} KiB drawn)`);
  return { name, json: j, ui: u, slowdown: (u - j) / j };
}

async function main() {
  log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // A CA bundle in NODE_EXTRA_CA_CERTS is parsed by every node process before any code runs; say so, since it is not kiln's cost.
  if (process.env.NODE_EXTRA_CA_CERTS) log(`NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every node start parses it first; \`env -u NODE_EXTRA_CA_CERTS npm run bench:cli\` measures without it`);
  const dir = mkdtempSync(join(tmpdir(), 'kiln-bench-cli-'));
  cpSync(join(ROOT, 'examples', 'hello'), dir, { recursive: true, filter: (source) => !/[/\\](\.kiln|node_modules)$/.test(source) });
  const rows = [];
  try {
    const only = process.env.BENCH_ONLY ?? 'all';
    if (only === 'all' || only === 'startup') {
    const version = startup(['--version']);
    const help = startup(['--help']);
    log(`kiln --version: median ${ms(version.median)}, min ${ms(version.min)} (${version.how}); --help median ${ms(help.median)}`);
    rows.push(['kiln --version start-up (median)', ms(version.median), '≤ 150 ms', version.median <= 150]);

    await firstFrame(dir);
    const frames = [];
    for (let run = 0; run < Math.min(RUNS, 10); run++) frames.push(await firstFrame(dir));
    log(`kiln to first frame (pty, 120x40): median ${ms(median(frames))}, min ${ms(Math.min(...frames))}, ${frames.length} runs`);
    rows.push(['kiln to first frame (median)', ms(median(frames)), '≤ 400 ms', median(frames) <= 400]);
    }
    if (only === 'all' || only === 'slowdown') {

    const [{ render }, React, { App }, { Session }, { runActivity }, { runProjectCommand }] = await Promise.all([
      import('ink'), import('react'), import(join(ROOT, 'dist/cli/ui/components/App.js')), import(join(ROOT, 'dist/cli/ui/session/session.js')),
      import(join(ROOT, 'dist/cli/ui/session/run-activity.js')), import(join(ROOT, 'dist/bake/project-command.js')),
    ]);
    const modules = { render, React, App, Session, runActivity };
    for (const result of [await slowdown('synthetic 50k log events', syntheticRelease, modules, dir), await slowdown('child printing 50k lines', childRelease(runProjectCommand, dir), modules, dir)]) {
      rows.push([`engine slowdown, UI vs --json (${result.name})`, `${(result.slowdown * 100).toFixed(1)}%`, '≤ 5%', result.slowdown <= 0.05]);
    }
    }
  } finally {
    // The home view asked Docker for the bench-ui environment's status, which made its network.
    try {
      const { destroyEnvironment } = await import(join(ROOT, 'dist/simulate/release/destroy.js'));
      const { loadProject } = await import(join(ROOT, 'dist/bake/config/load.js'));
      await destroyEnvironment(await loadProject(dir), 'bench-ui');
    } catch (error) {
      log(`cleanup of the bench-ui environment: ${error.message}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map((row) => row[0].length));
  process.stdout.write(`\n${'figure'.padEnd(width)}  ${'measured'.padStart(9)}  target     \n`);
  for (const [what, value, target, met] of rows) process.stdout.write(`${what.padEnd(width)}  ${value.padStart(9)}  ${target.padEnd(9)}  ${met ? 'met' : 'NOT met'}\n`);
}

await main();
