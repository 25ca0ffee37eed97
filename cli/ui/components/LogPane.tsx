import { Box, Text } from 'ink';
import type { LogEntry, LogRing } from '../store/log-ring.js';
import { cleanLine } from '../text/terminal-text.js';
import { logWindow } from './log-window.js';

export interface LogPaneProps {
  ring: LogRing;
  /** Lines in the ring as of the snapshot being drawn. */
  end: number;
  /** Rows for the pane, its title included. */
  height: number;
  scroll: number;
  /** A log file shown instead of the live stream. */
  file?: { title: string; lines: string[] };
  step?: { n: number; name: string };
  logPath?: string;
}

function EntryRow({ entry }: { entry: LogEntry }) {
  if (entry.type === 'step') return <Text color="cyan" wrap="truncate-end">── step {entry.n} {entry.name} ──</Text>;
  if (entry.type === 'notice') {
    return <Text wrap="truncate-end" color={entry.level === 'warn' ? 'yellow' : undefined}>{entry.level === 'warn' ? '! ' : '· '}{cleanLine(entry.message)}</Text>;
  }
  return <Text wrap="truncate-end"><Text dimColor>{cleanLine(entry.source)} │ </Text>{cleanLine(entry.line)}</Text>;
}

/** The live output of the running step, newest at the bottom. Virtualised: it draws only the rows that fit. */
export function LogPane({ ring, end, height, scroll, file, step, logPath }: LogPaneProps) {
  const rows = Math.max(0, height - 1);
  if (file) {
    const window = logWindow(0, file.lines.length, rows, scroll);
    return (
      <Box flexDirection="column" height={height} overflow="hidden">
        <Text bold wrap="truncate-end">Log file <Text dimColor>· {file.title} · {file.lines.length} {file.lines.length === 1 ? 'line' : 'lines'}{window.scroll ? ` · ↑${window.scroll}` : ''} · End: live log</Text></Text>
        {file.lines.slice(window.start, window.end).map((line, index) => <Text key={window.start + index} wrap="truncate-end">{cleanLine(line)}</Text>)}
      </Box>
    );
  }
  const window = logWindow(ring.first, end, rows, scroll);
  const entries = ring.window(window.end, window.end - window.start);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate-end">
        Log
        <Text dimColor>
          {step ? ` · step ${step.n} ${step.name}` : ''} · {end.toLocaleString('en-US')} {end === 1 ? 'line' : 'lines'}{window.scroll ? ` · ↑${window.scroll}, End follows` : ''}{logPath ? ` · ${logPath}` : ''}
        </Text>
      </Text>
      {entries.map((entry, index) => <EntryRow key={window.start + index} entry={entry} />)}
    </Box>
  );
}
