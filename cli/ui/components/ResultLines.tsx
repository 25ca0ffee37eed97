import { Box, Text } from 'ink';
import type { Activity } from '../session/session-state.js';

/** The finished activity's result, or its error and what to try. */
export function resultTexts(activity: Activity): { text: string; color?: string }[] {
  const good = activity.outcome === 'done' || activity.outcome === 'live';
  const lines: { text: string; color?: string }[] = activity.result.map((text, index) => ({ text: `${index === 0 ? (good ? '✓ ' : '✗ ') : '  '}${text}`, color: index === 0 ? (good ? 'green' : 'red') : undefined }));
  if (activity.error) {
    lines.push({ text: `${activity.outcome === 'aborted' ? '– aborted' : '✗ error'}: ${activity.error.message.split('\n')[0]}`, color: activity.outcome === 'aborted' ? 'yellow' : 'red' });
    if (activity.error.hint) lines.push({ text: `  try: ${activity.error.hint}` });
  }
  return lines;
}

export function ResultLines({ activity, rows }: { activity: Activity; rows: number }) {
  return (
    <Box flexDirection="column" flexShrink={0} height={rows} overflow="hidden">
      {resultTexts(activity).slice(0, rows).map((line, index) => <Text key={index} color={line.color} bold={index === 0} wrap="truncate-end">{line.text}</Text>)}
    </Box>
  );
}
