import { Box, Text } from 'ink';
import { useNow } from '../hooks/use-clock.js';
import type { LayerView } from '../store/view-state.js';
import { shortDigest } from '../text/terminal-text.js';
import { formatSeconds } from '../text/time-text.js';
import { Spinner } from './Spinner.js';

const COLOR: Record<LayerView['status'], string> = { cached: 'green', building: 'cyan', built: 'blue', failed: 'red' };

function LayerRow({ layer }: { layer: LayerView }) {
  const now = useNow();
  const status = layer.status === 'built' && layer.seconds !== undefined ? `built ${formatSeconds(layer.seconds)}` : layer.status;
  return (
    <Text wrap="truncate-end">
      {layer.status === 'building' ? <Spinner now={now} /> : <Text color={COLOR[layer.status]}>{layer.status === 'failed' ? '✗' : '✓'}</Text>}
      {` ${layer.layer.padEnd(12)} `}
      <Text dimColor>{shortDigest(layer.digest)}</Text>
      {'  '}
      <Text color={COLOR[layer.status]}>{status}</Text>
    </Text>
  );
}

/** Each layer of the image (and of the load balancer's), with whether the cache had it. */
export function LayerList({ layers, height }: { layers: LayerView[]; height: number }) {
  const hits = layers.filter((layer) => layer.status === 'cached').length;
  return (
    <Box flexDirection="column" flexGrow={1} height={height} overflow="hidden">
      <Text bold wrap="truncate-end">Layers {layers.length > 0 ? <Text dimColor>{hits}/{layers.length} from cache</Text> : <Text dimColor>none yet</Text>}</Text>
      {layers.slice(-Math.max(0, height - 1)).map((layer) => <LayerRow key={layer.layer} layer={layer} />)}
    </Box>
  );
}
