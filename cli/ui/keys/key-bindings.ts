import type { Key } from 'ink';
import { startBake, startVerify } from '../session/bake-flow.js';
import { abortActivity, detach, interrupt, keepGoing } from '../session/interrupt.js';
import { answerCutover, openStepLog, showFailure, startRelease } from '../session/release-flow.js';
import { answerRollback, planRollback } from '../session/rollback-flow.js';
import type { Session } from '../session/session.js';
import type { SessionState } from '../session/session-state.js';

/** One key: what the footer and the `?` map say, and what it does. */
export interface Binding {
  keys: string;
  label: string;
  /** Shown, but does nothing yet; the text says why. */
  disabled?: string;
  match(input: string, key: Key): boolean;
  run(session: Session, key: Key): void;
}

const char = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);
const escape = (_input: string, key: Key) => key.escape;
const enter = (_input: string, key: Key) => key.return;
const ctrlC = (input: string, key: Key) => key.ctrl && input === 'c';
const PAGE = 10;

const quit: Binding = { keys: 'q', label: 'quit', match: char('q'), run: (session) => (session.busy ? interrupt(session) : session.exit({ kind: 'quit' })) };
const help: Binding = { keys: '?', label: 'keys', match: char('?'), run: (session) => session.toggleKeys() };
const stop: Binding = { keys: '^C', label: 'stop (abort or detach)', match: ctrlC, run: interrupt };
const scroll: Binding[] = [
  { keys: '↑↓', label: 'scroll log', match: (_input, key) => key.upArrow || key.downArrow, run: (session, key) => session.scrollLog(key.upArrow ? 1 : -1) },
  { keys: 'PgUp/PgDn', label: 'page log', match: (_input, key) => key.pageUp || key.pageDown, run: (session, key) => session.scrollLog(key.pageUp ? PAGE : -PAGE) },
  { keys: 'End', label: 'follow live log', match: (_input, key) => key.end, run: (session) => session.followLog() },
];

/** Keys by where you are; the `?` map lists every group. */
export const KEY_GROUPS: Record<string, Binding[]> = {
  home: [
    { keys: 'b', label: 'bake', match: char('b'), run: (session) => void startBake(session) },
    { keys: 'v', label: 'verify', match: char('v'), run: (session) => void startVerify(session) },
    { keys: 'r', label: 'release', match: char('r'), run: (session) => void startRelease(session) },
    { keys: 'o', label: 'roll back', match: char('o'), run: (session) => void planRollback(session, { afterFailure: false }) },
    { keys: 'p', label: 'promote', disabled: 'from the command line: kiln promote <release> --to aws', match: char('p'), run: (session) => session.update({ message: 'promote runs from the command line: kiln promote <release> --to aws (or moto, localstack)' }) },
    { keys: 'h', label: 'history', match: char('h'), run: (session) => session.openHistory() },
    help,
    quit,
  ],
  history: [{ keys: 'esc', label: 'home', match: (input, key) => escape(input, key) || char('h')(input, key), run: (session) => session.goHome() }, help, quit],
  running: [...scroll, help, stop],
  finished: [
    { keys: 'esc', label: 'home', match: escape, run: (session) => session.goHome() },
    { keys: 'f', label: 'failure choices', match: char('f'), run: showFailure },
    ...scroll,
    help,
    quit,
  ],
  cutover: [
    { keys: 'y', label: 'cut over', match: char('y', 'Y'), run: (session) => answerCutover(session, true) },
    { keys: 'n', label: 'keep the old stack (ends the release)', match: char('n', 'N'), run: (session) => answerCutover(session, false) },
    stop,
  ],
  failure: [
    { keys: 'b', label: 'roll back', match: char('b'), run: (session) => void planRollback(session, { afterFailure: true }) },
    { keys: 'r', label: 'retry (a new release)', match: char('r'), run: (session) => void startRelease(session) },
    { keys: 'l', label: 'open the step\'s log', match: char('l'), run: (session) => void openStepLog(session) },
    { keys: 'esc', label: 'close', match: escape, run: (session) => session.dismissPrompt() },
  ],
  rollbackAsk: [
    { keys: 'y', label: 'roll back', match: char('y', 'Y'), run: (session) => answerRollback(session, true) },
    { keys: 'n', label: 'cancel', match: (input, key) => char('n', 'N')(input, key) || escape(input, key), run: (session) => answerRollback(session, false) },
  ],
  rollbackInfo: [{ keys: 'enter', label: 'ok', match: (input, key) => enter(input, key) || escape(input, key), run: (session) => session.dismissPrompt() }],
  interrupt: [
    { keys: 'a', label: 'abort cleanly', match: char('a'), run: abortActivity },
    { keys: 'd', label: 'detach', match: char('d'), run: detach },
    { keys: 'esc', label: 'keep going', match: escape, run: keepGoing },
  ],
  keyMap: [{ keys: '?', label: 'close', match: (input, key) => char('?')(input, key) || escape(input, key), run: (session) => session.toggleKeys() }, stop],
};

/** Headings for the `?` map. */
export const GROUP_TITLES: Record<keyof typeof KEY_GROUPS, string> = {
  home: 'Home', history: 'History', running: 'While an action runs', finished: 'After an action', cutover: 'Cutover question',
  failure: 'After a failed release', rollbackAsk: 'Rollback question', rollbackInfo: 'Rollback note', interrupt: 'After Ctrl-C', keyMap: 'This map',
};

/** The keys that work right now, most specific first: the prompt, the key map, then the screen. */
export function bindingsFor(state: SessionState): Binding[] {
  const { prompt, activity } = state;
  if (prompt?.kind === 'cutover') return KEY_GROUPS.cutover!;
  if (prompt?.kind === 'failure') return KEY_GROUPS.failure!;
  if (prompt?.kind === 'rollback') return prompt.to ? KEY_GROUPS.rollbackAsk! : KEY_GROUPS.rollbackInfo!;
  if (prompt?.kind === 'interrupt') return prompt.aborting || activity?.kind !== 'release' ? KEY_GROUPS.interrupt!.filter((binding) => binding.keys !== 'a') : KEY_GROUPS.interrupt!;
  if (state.keysOpen) return KEY_GROUPS.keyMap!;
  if (state.screen === 'history') return KEY_GROUPS.history!;
  if (state.screen === 'activity' && activity) {
    if (activity.state !== 'finished') return KEY_GROUPS.running!;
    const failedRelease = activity.kind === 'release' && activity.outcome !== 'live' && activity.outcome !== 'aborted';
    return KEY_GROUPS.finished!.filter((binding) => binding.keys !== 'f' || failedRelease);
  }
  return KEY_GROUPS.home!;
}

/** Handle one key press: Ctrl-C always interrupts; otherwise the first binding that matches. */
export function handleKey(session: Session, input: string, key: Key): void {
  if (ctrlC(input, key)) return interrupt(session);
  const state = session.getSnapshot();
  const binding = bindingsFor(state).find((candidate) => candidate.match(input, key));
  if (binding) {
    if (state.message) session.update({ message: undefined });
    binding.run(session, key);
  }
}
