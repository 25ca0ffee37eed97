import { Box } from 'ink';
import { useWallClock } from '../hooks/use-clock.js';
import { useKeyBindings } from '../hooks/use-key-bindings.js';
import { useSessionState, useViewSnapshot } from '../hooks/use-session.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { bindingsFor } from '../keys/key-bindings.js';
import type { Session } from '../session/session.js';
import { ActivityView } from './ActivityView.js';
import { Header } from './Header.js';
import { HelpFooter } from './HelpFooter.js';
import { HistoryView } from './HistoryView.js';
import { HomeView } from './HomeView.js';
import { KeyMap } from './KeyMap.js';
import { PromptBox, promptHeight } from './PromptBox.js';

/**
 * The whole screen: header, the current view, a prompt when one waits, and the keys. It is one row
 * shorter than the terminal: ink redraws a frame that fills the terminal by clearing it, which flickers.
 */
export function App({ session }: { session: Session }) {
  const state = useSessionState(session);
  const view = useViewSnapshot(session);
  const { columns, rows } = useTerminalSize();
  const wall = useWallClock();
  useKeyBindings(session);
  const height = Math.max(4, rows - 1);
  const bindings = bindingsFor(state);
  const body = Math.max(0, height - 2 - promptHeight(state.prompt, state.env));
  const screen = state.keysOpen ? (
    <KeyMap height={body} />
  ) : state.screen === 'activity' && state.activity ? (
    <ActivityView activity={state.activity} view={view} logPane={state.logPane} height={body} width={columns} />
  ) : state.screen === 'history' ? (
    <HistoryView env={state.env} home={state.home} now={wall} height={body} />
  ) : (
    <HomeView project={state.project} env={state.env} home={state.home} armedFaults={state.armedFaults} now={wall} height={body} />
  );
  return (
    <Box flexDirection="column" width={columns} height={height} overflow="hidden">
      <Header project={state.project} env={state.env} activity={state.screen === 'activity' ? state.activity : undefined} />
      <Box height={body} flexDirection="column" overflow="hidden" flexShrink={0}>{screen}</Box>
      {state.prompt ? <PromptBox prompt={state.prompt} env={state.env} bindings={bindings} /> : null}
      <HelpFooter bindings={bindings} message={state.message} />
    </Box>
  );
}
