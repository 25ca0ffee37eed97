/** One JSON message of the engine's push stream. */
export interface PushMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** What happened to one layer: sent now, already in the registry, or mounted from another repository of it. */
export type LayerOutcome = 'uploaded' | 'present' | 'mounted';

/** What a whole push stream said. */
export interface PushOutcome {
  /** The manifest digest the registry stored (aux.Digest); absent when the push failed. */
  digest?: string;
  /** The push stream's error, verbatim; the HTTP status is 200 even when the push failed. */
  error?: string;
  /** Layers by the engine's short id (the first 12 hex of the layer's diff id), in the order first seen. */
  layers: { id: string; outcome: LayerOutcome }[];
}

/** Fold the push stream's messages into its outcome; the last word on each layer wins. */
export function readPushStream(messages: readonly PushMessage[]): PushOutcome {
  const layers = new Map<string, LayerOutcome | undefined>();
  let digest: string | undefined;
  let error: string | undefined;
  for (const message of messages) {
    if (message.error || message.errorDetail?.message) error = message.errorDetail?.message ?? message.error;
    if (message.aux?.Digest) digest = message.aux.Digest;
    if (!message.id || !message.status) continue;
    const outcome = layerOutcome(message.status);
    if (!layers.has(message.id) || outcome) layers.set(message.id, outcome ?? layers.get(message.id));
  }
  return {
    ...(digest && !error ? { digest } : {}),
    ...(error ? { error } : {}),
    layers: [...layers].filter((entry): entry is [string, LayerOutcome] => entry[1] !== undefined).map(([id, outcome]) => ({ id, outcome })),
  };
}

function layerOutcome(status: string): LayerOutcome | undefined {
  if (status === 'Pushed') return 'uploaded';
  if (status === 'Layer already exists') return 'present';
  if (status.startsWith('Mounted from')) return 'mounted';
  return undefined;
}

/**
 * A progress line worth showing for this message, or nothing: each layer's status changes, and its upload in
 * tenths, so a long upload shows it is moving without printing every chunk.
 */
export function progressLine(message: PushMessage, shown: Map<string, string>): string | undefined {
  if (!message.status) return undefined;
  if (!message.id) return message.aux ? undefined : message.status;
  let key = message.status;
  const { current, total } = message.progressDetail ?? {};
  // current counts compressed bytes sent against an uncompressed total, so small layers overshoot 100%.
  if (message.status === 'Pushing' && current !== undefined && total) key = `Pushing ${Math.min(100, Math.floor((10 * current) / total) * 10)}%`;
  if (shown.get(message.id) === key) return undefined;
  shown.set(message.id, key);
  return `${message.id} ${key}`;
}
