import { Text } from 'ink';
import type { HomeData } from '../session/session-state.js';

/** "hello-r2 at http://127.0.0.1:8480 · serving · 2/2 healthy" (instances behind the load balancer), or why it cannot say. */
export function LiveLine({ home }: { home: HomeData }) {
  const { status } = home;
  if (!status) return home.statusError ? <Text color="red" wrap="truncate-end">status unavailable: {home.statusError}</Text> : <Text dimColor>checking…</Text>;
  if (!status.live) return <Text dimColor>nothing is live yet (r releases)</Text>;
  const mine = status.instances.filter((instance) => instance.release === status.live);
  const healthy = mine.filter((instance) => instance.healthy).length;
  const serving = status.serving === status.live;
  return (
    <Text wrap="truncate-end">
      <Text bold color="green">{status.live}</Text> at <Text color="cyan">{status.url}</Text>
      <Text color={serving ? 'green' : 'yellow'}> · {serving ? 'serving' : `load balancer serves ${status.serving ?? 'nothing'}`}</Text>
      <Text dimColor> · {healthy}/{mine.filter((instance) => instance.healthy !== null).length} healthy</Text>
      {status.inProgress ? <Text color="yellow"> · {status.inProgress.release} {status.inProgress.alive ? 'in progress' : 'interrupted (kiln release --resume)'}</Text> : null}
    </Text>
  );
}
