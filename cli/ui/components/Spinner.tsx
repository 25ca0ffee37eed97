import { Text } from 'ink';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner frame for a moment in time, so a frozen clock draws a fixed frame. */
export function spinnerFrame(now: number): string {
  return FRAMES[Math.floor(now / 80) % FRAMES.length]!;
}

export function Spinner({ now }: { now: number }) {
  return <Text color="cyan">{spinnerFrame(now)}</Text>;
}
