#!/usr/bin/env node
// Bench kiln's release engine on a committed copy of examples/hello: release, cutover and rollback times.
// Prints figures and a table against the targets; asserts nothing on time.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { commitAppChange, dist, log, makeProject, median, sinceS, stepLine } from './bench-project.mjs';

const { loadProject } = await dist('bake/config/load.js');
const { release } = await dist('simulate/release/release.js');
const { rollback } = await dist('simulate/release/rollback.js');
const { destroyEnvironment } = await dist('simulate/release/destroy.js');
const { startLoad } = await dist('simulate/load/load-generator.js');

const ENV = 'bench';
// A project name of its own, so kiln/hello's tags and bench:bake's kiln/hello-bench images are never touched.
const PROJECT = 'hello-relbench';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const options = () => ({ env: ENV, signal: new AbortController().signal, emit: onEvent });

/** Only warnings reach the terminal; steps are summarised from the release summary instead. */
function onEvent(event) {
  if (event.type === 'notice' && event.level === 'warn') log(`warning: ${event.message}`);
}

/** One release through the engine; throws unless it went live, since every later figure needs it live. */
async function doRelease(dir, extra = {}) {
  const started = performance.now();
  const summary = await release(await loadProject(dir), { ...options(), ...extra });
  const wall = sinceS(started);
  if (summary.outcome !== 'live') throw new Error(`${summary.release} ended ${summary.outcome}: ${summary.error}`);
  return { summary, wall };
}

/** The load balancer switch itself, as step 10 reports it ("switched in X ms"). */
function switchMs(summary) {
  const detail = summary.steps.find((step) => step.n === 10)?.detail ?? '';
  const match = /switched in ([\d.]+) ms/.exec(detail);
  if (!match) throw new Error(`no switch time in the cutover detail: ${JSON.stringify(detail)}`);
  return Number(match[1]);
}

/** Figures 1–3: app-only releases under 20 connections of load, started before and stopped after each one. */
async function releaseFigures(dir, url) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    log(`app-only release under load ${i + 1}/${RUNS}`);
    commitAppChange(dir);
    const load = startLoad(`${url}/version`, 20);
    const { summary, wall } = await doRelease(dir);
    const traffic = await load.stop();
    const failed = traffic.errors + Object.values(traffic.bad).reduce((sum, n) => sum + n, 0);
    if (failed) log(`failed requests: ${JSON.stringify({ errors: traffic.errors, bad: traffic.bad, samples: traffic.samples })}`);
    runs.push({ summary, wall, switchMs: switchMs(summary), requests: traffic.requests, failed });
  }
  return runs;
}

/** Figures 4–5: release (keeping the old stack or not), then time rollback() back to the release that was live. */
async function rollbackFigures(dir, keepOld, live) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    log(`rollback ${keepOld ? 'to a standby stack' : 'after shutdown'} ${i + 1}/${RUNS}`);
    commitAppChange(dir);
    const { summary } = await doRelease(dir, { keepOld });
    const started = performance.now();
    // `to` names the release that was live: by default rollback picks the newest earlier live record instead.
    const result = await rollback(await loadProject(dir), { ...options(), to: live });
    runs.push({ wall: sinceS(started), serving: result.servingSeconds, relaunched: result.relaunched, from: result.from, to: result.to });
    if (result.from !== summary.release) throw new Error(`rolled back from ${result.from}, expected ${summary.release}`);
    live = result.to;
  }
  return { runs, live };
}

function report(releases, standby, shutdown) {
  const wall = median(releases.map((r) => r.wall));
  const sw = median(releases.map((r) => r.switchMs));
  const requests = releases.reduce((sum, r) => sum + r.requests, 0);
  const failed = releases.reduce((sum, r) => sum + r.failed, 0);
  // The figure is time until the earlier release serves; the whole command (with the stop of the stack it left) is printed too.
  const rbStandby = median(standby.map((r) => r.serving));
  const rbShutdown = median(shutdown.map((r) => r.serving));
  const verdict = (ok) => (ok ? 'met' : 'missed');
  const n = `median of ${RUNS}`;
  const rows = [
    ['figure', 'measured', 'target', 'met/missed'],
    [`1. warm app-only release, wall (${n})`, `${wall.toFixed(2)} s`, '≤ 20 s', verdict(wall <= 20)],
    [`2. cutover switch, step 10 (${n})`, `${sw.toFixed(1)} ms`, '≤ 100 ms', verdict(sw <= 100)],
    [`3. requests during releases (sum of ${RUNS})`, `${requests} sent, ${failed} failed`, 'failed = 0', verdict(failed === 0)],
    [`4. rollback, old stack standing, until serving (${n})`, `${rbStandby.toFixed(2)} s`, '≤ 2 s', verdict(rbStandby <= 2)],
    [`5. rollback, old stack shut down, until serving (${n})`, `${rbShutdown.toFixed(2)} s`, '≤ 5 s', verdict(rbShutdown <= 5)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  console.log([
    '', `kiln release bench — examples/hello (copied to a temp dir as ${PROJECT}, env ${ENV}, warm layer cache)`,
    `machine: nproc ${availableParallelism()}, node ${process.version}`,
    ...releases.map((r, i) => `release run ${i + 1}: ${r.summary.release} wall ${r.wall.toFixed(2)} s (steps ${r.summary.seconds.toFixed(2)} s), switch ${r.switchMs} ms, ${r.requests} requests, ${r.failed} failed`),
    ...releases.map((r, i) => `  per-step seconds, run ${i + 1}: ${stepLine(r.summary)}`),
    `rollback to a standing stack: ${standby.map((r) => `${r.from}→${r.to} serving after ${r.serving.toFixed(2)} s, command ${r.wall.toFixed(2)} s, relaunched=${r.relaunched}`).join('; ')}`,
    `rollback after shutdown: ${shutdown.map((r) => `${r.from}→${r.to} serving after ${r.serving.toFixed(2)} s, command ${r.wall.toFixed(2)} s, relaunched=${r.relaunched}`).join('; ')}`,
    '', line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line), '',
    `Every figure ran ${RUNS} times (median shown); each rollback run follows one untimed release (kept standing for 4, old stack shut down for 5).`,
    'Release wall = release() from call to return; rollback figures = from the call until the load balancer serves the earlier release (rollback().servingSeconds); "command" = call to return, including stopping the stack it left.',
    'for comparison, the talk\'s team took 2–3 hours per release',
  ].join('\n'));
}

/** Untag this bench's final images by name; the shared kiln-cache layers stay warm for the next run. */
async function removeBenchImages() {
  const docker = new Docker();
  const images = await docker.listImages({ filters: { reference: [`kiln/${PROJECT}`] } });
  const refs = images.flatMap((image) => image.RepoTags ?? []).filter((ref) => ref.startsWith(`kiln/${PROJECT}:`));
  for (const ref of refs) await docker.getImage(ref).remove().catch((error) => log(`could not remove ${ref}: ${error.message}`));
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'kiln-bench-release-'));
  let dir;
  try {
    dir = makeProject(tmp, PROJECT);
    log('warm-up release (fills the layer cache, starts the load balancer)');
    const { summary: first } = await doRelease(dir);
    const releases = await releaseFigures(dir, first.url);
    const standby = await rollbackFigures(dir, true, releases.at(-1).summary.release);
    const shutdown = await rollbackFigures(dir, false, standby.live);
    report(releases, standby.runs, shutdown.runs);
  } finally {
    log('cleaning up: destroying the bench environment, untagging its images, removing the temp dir');
    if (dir) await destroyEnvironment(await loadProject(dir), ENV).catch((error) => log(`destroy failed: ${error.message}`));
    await removeBenchImages().catch((error) => log(`image cleanup failed: ${error.message}`));
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
