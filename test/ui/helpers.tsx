import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ReactNode } from 'react';
import { render } from 'ink-testing-library';
import type { Project } from '../../bake/config/project.js';
import type { Emit } from '../../bake/events.js';
import { ClockContext, type Clock } from '../../cli/ui/hooks/use-clock.js';
import type { UiEngine } from '../../cli/ui/session/engine.js';
import type { RollbackResult } from '../../simulate/release/rollback.js';
import type { HistoryEntry } from '../../simulate/release/status.js';
import type { ReleaseSummary } from '../../simulate/release/summary.js';

/** A clock that never moves, so spinners and elapsed times draw the same frame every run. */
export const frozen = (now = 10_000, wall = Date.parse('2026-01-01T12:00:00Z')): Clock => ({ now: () => now, wall: () => wall });

/** Render under a frozen clock; `frame()` is the last frame without colors, trailing spaces trimmed. */
export function draw(node: ReactNode, clock: Clock = frozen()) {
  const instance = render(<ClockContext.Provider value={clock}>{node}</ClockContext.Provider>);
  const frame = () => unstyled(instance.lastFrame() ?? '');
  return { ...instance, frame };
}

export function unstyled(text: string): string {
  return stripVTControlCharacters(text).split('\n').map((line) => line.trimEnd()).join('\n');
}

/** Let React, ink's throttle and pending promises settle. */
export const settle = (ms = 30) => new Promise((done) => setTimeout(done, ms));

export const STEP_NAMES = ['freeze', 'tag', 'build', 'test', 'image', 'configure', 'launch', 'test image', 'start services', 'cutover', 'test in production', 'shut down old stack'];

/** Just enough of a Project for the UI: a name and a directory for .kiln/logs. */
export function fakeProject(): Project {
  return { project: 'hello', dir: mkdtempSync(join(tmpdir(), 'kiln-ui-')) } as Project;
}

export function historyEntry(release: string, outcome: HistoryEntry['outcome'], startedAt: string, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return { release, outcome, live: false, commit: 'c0ffee', recipeDigest: `sha256:${release.replace(/\D/g, '').padStart(2, '0')}ab34cd56ef7890`, image: null, startedAt, seconds: 14.5, error: null, ...extra };
}

export function summary(release: string, outcome: ReleaseSummary['outcome'], failedStep?: number): ReleaseSummary {
  return {
    release, outcome, url: 'http://127.0.0.1:8480', tag: release, commit: 'c0ffee', image: `kiln/hello:${release}`, recipeDigest: 'sha256:abc',
    steps: STEP_NAMES.map((name, index) => ({ n: index + 1, name, status: failedStep === undefined || index + 1 < failedStep ? 'done' : index + 1 === failedStep ? 'failed' : 'pending', seconds: 1, detail: null })),
    seconds: 12, error: failedStep ? 'production test "injected fault prod-test:fail" failed: GET /kiln-injected-fault answered 404, expected 200' : null,
  };
}

/** An engine whose release plays a script of events; every call is recorded. */
export function fakeEngine(options: { release?: (emit: Emit, decide: ((decision: { kind: 'cutover'; release: string; facts: string[] }) => Promise<boolean>) | undefined, signal: AbortSignal) => Promise<ReleaseSummary>; history?: HistoryEntry[] } = {}) {
  const calls: { method: string; options?: unknown }[] = [];
  const history = options.history ?? [];
  const engine: UiEngine = {
    bake: async () => { throw new Error('not in this test'); },
    verify: async () => { throw new Error('not in this test'); },
    release: async (_project, releaseOptions) => {
      calls.push({ method: 'release', options: releaseOptions });
      return options.release!(releaseOptions.emit, releaseOptions.decide, releaseOptions.signal);
    },
    rollback: async (_project, rollbackOptions) => {
      calls.push({ method: 'rollback', options: rollbackOptions });
      const result = { from: 'hello-r2', to: rollbackOptions.to!, relaunched: true, url: 'http://127.0.0.1:8480', seconds: 3.2 };
      return result as RollbackResult;
    },
    status: async (_project, env) => ({ env, live: 'hello-r2', url: 'http://127.0.0.1:8480', serving: 'hello-r2', standby: [], instances: [], inProgress: null }),
    history: async () => history,
    stepNames: async () => STEP_NAMES,
  };
  return { engine, calls };
}

/** Poll until `check` passes (frames arrive after the store's flush and ink's throttle); throws with the last frame. */
export async function waitFor(frame: () => string, check: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = frame();
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out; last frame:\n${text}`);
    await settle(20);
  }
}
