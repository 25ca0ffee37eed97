import { describe, expect, it } from 'vitest';
import { PromptBox, promptHeight } from '../../cli/ui/components/PromptBox.js';
import { bindingsFor } from '../../cli/ui/keys/key-bindings.js';
import type { Prompt, SessionState } from '../../cli/ui/session/session-state.js';
import { draw } from './helpers.js';

const base: SessionState = { project: 'hello', env: 'ui-a', screen: 'activity', home: { history: null, status: null }, keysOpen: false, logPane: { scroll: 0 }, armedFaults: [] };
const box = (prompt: Prompt) => {
  const drawn = draw(<PromptBox prompt={prompt} env="ui-a" bindings={bindingsFor({ ...base, prompt, activity: { kind: 'release', title: 'release hello-r2', state: 'running', startedAt: 0, result: [], faults: [] } })} />);
  expect(drawn.frame().split('\n')).toHaveLength(promptHeight(prompt, 'ui-a'));
  return drawn.frame();
};

describe('PromptBox', () => {
  it('asks before cutover, with the health of each new instance', () => {
    expect(box({ kind: 'cutover', release: 'hello-r2', facts: ['i-5a73 (172.18.0.5) healthy', 'i-3d3f (172.18.0.6) unhealthy'] })).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ Cut over to hello-r2? The new instances, as the load balancer sees them:                         │
      │   i-5a73 (172.18.0.5) healthy                                                                    │
      │   i-3d3f (172.18.0.6) unhealthy                                                                  │
      │ y cut over · n keep the old stack (ends the release) · ^C stop (abort or detach)                 │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('offers roll back, retry and the step log after a failure', () => {
    expect(box({ kind: 'failure', title: 'hello-r3 rolled-back at step 11 (test in production)', detail: 'production test "x" failed', step: { n: 11, name: 'test in production' } })).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ ✗ hello-r3 rolled-back at step 11 (test in production)                                           │
      │   production test "x" failed                                                                     │
      │ b roll back · r retry (a new release) · l open the step's log · esc close                        │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('asks before a rollback, naming both releases', () => {
    expect(box({ kind: 'rollback', lines: ['hello-r2 serves at http://127.0.0.1:8480: kiln already undid hello-r3 (steps marked ↺).', 'roll back further from hello-r2 to hello-r1?'], from: 'hello-r2', to: 'hello-r1' })).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ hello-r2 serves at http://127.0.0.1:8480: kiln already undid hello-r3 (steps marked ↺).          │
      │ roll back further from hello-r2 to hello-r1?                                                     │
      │ y roll back · n cancel                                                                           │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('on Ctrl-C, explains abort and detach, and how to finish a detached release', () => {
    const text = box({ kind: 'interrupt', release: 'hello-r2', step: '7 launch', aborting: false });
    expect(text).toMatchInlineSnapshot(`
      "╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ Stop release hello-r2 (step 7 launch)?                                                           │
      │   a  abort cleanly: the running step stops and every step that ran is undone, newest first;      │
      │      the old stack keeps serving.                                                                │
      │   d  detach: leave now and undo nothing; the release waits in the journal.                       │
      │      finish it: kiln release --resume --env ui-a   undo it: kiln release --abort --env ui-a      │
      │ a abort cleanly · d detach · esc keep going                                                      │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('while aborting, offers only detach', () => {
    const text = box({ kind: 'interrupt', release: 'hello-r2', aborting: true });
    expect(text).toContain('Aborting release hello-r2: its cleanup is running.');
    expect(text).not.toContain('a abort');
    expect(text).toContain('d detach · esc keep going');
  });
});
