import type Docker from 'dockerode';
import { BugError } from '../errors.js';
import type { Emit } from '../events.js';
import { progressLine, readPushStream, type LayerOutcome, type PushMessage, type PushOutcome } from './push-progress.js';
import type { PushPlan } from './push-plan.js';
import { explainRegistryError } from './registry-errors.js';
import { parseRegistry } from './registry-ref.js';

const RECIPE_LAYERS = ['os', 'packages', 'app'] as const;

/** What the registry now holds, and what this push had to send for it. */
export interface SentPush {
  digest: string;
  layers: { id: string; layer: string; outcome: LayerOutcome }[];
}

/**
 * Name the image's layers by position: kiln commits exactly one Docker layer per recipe layer on top of the
 * base, so the last three are os, packages and app and everything below them is the base.
 */
export function layerNames(diffIds: readonly string[]): Map<string, string> {
  const baseCount = diffIds.length - RECIPE_LAYERS.length;
  return new Map(diffIds.map((diffId, index) => [
    diffId.replace(/^sha256:/, '').slice(0, 12),
    index < baseCount ? 'base' : RECIPE_LAYERS[index - baseCount]!,
  ]));
}

/** Tag the image into the registry's repository, push each tag, and untag what this push added locally. */
export async function sendPush(docker: Docker, plan: PushPlan, diffIds: readonly string[], emit: Emit, signal?: AbortSignal, auth: Record<string, string> = {}): Promise<SentPush> {
  const registry = parseRegistry(plan.registry);
  const added: string[] = [];
  try {
    for (const tag of plan.tags) {
      const ref = `${plan.repository}:${tag}`;
      const existing = await docker.getImage(ref).inspect().catch(() => undefined);
      if (existing?.Id !== plan.imageId) {
        await docker.getImage(plan.imageId).tag({ repo: plan.repository, tag });
        added.push(ref);
      }
    }
    const outcomes: PushOutcome[] = [];
    for (const tag of plan.tags) {
      emit({ type: 'log', source: 'push', line: `pushing ${plan.repository}:${tag}` });
      const outcome = await pushTag(docker, plan.repository, tag, emit, signal, auth).catch((error: unknown) => {
        throw explainRegistryError(error, registry, `pushing ${plan.repository}:${tag}`);
      });
      if (outcome.error || !outcome.digest) {
        throw explainRegistryError(new Error(outcome.error ?? 'the push stream ended without a digest'), registry, `pushing ${plan.repository}:${tag}`);
      }
      outcomes.push(outcome);
    }
    const digests = new Set(outcomes.map((outcome) => outcome.digest));
    if (digests.size !== 1) throw new BugError(`the tags of one image were stored under different digests: ${[...digests].join(', ')}`);
    const names = layerNames(diffIds);
    // The first tag's push is the one that uploads; later tags only find the layers present.
    const order = [...names.keys()];
    const layers = outcomes[0]!.layers
      .map((layer) => ({ ...layer, layer: names.get(layer.id) ?? 'unknown' }))
      .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    return { digest: outcomes[0]!.digest!, layers };
  } finally {
    await untag(docker, plan.imageId, added);
  }
}

/** Remove the names this push added, unless they are all the image has: an untag must never delete it. */
async function untag(docker: Docker, imageId: string, added: readonly string[]): Promise<void> {
  if (added.length === 0) return;
  const tags = (await docker.getImage(imageId).inspect().catch(() => undefined))?.RepoTags ?? [];
  if (!tags.some((tag) => !added.includes(tag))) return;
  for (const ref of added) await docker.getImage(ref).remove({ noprune: true }).catch(() => {});
}

async function pushTag(docker: Docker, repository: string, tag: string, emit: Emit, signal: AbortSignal | undefined, auth: Record<string, string>): Promise<PushOutcome> {
  // The engine wants an X-Registry-Auth header even for an open registry: an empty auth object is that header.
  const stream = await docker.getImage(repository).push({ tag, authconfig: auth, ...(signal ? { abortSignal: signal } : {}) });
  const messages: PushMessage[] = [];
  const shown = new Map<string, string>();
  await new Promise<void>((done, fail) =>
    docker.modem.followProgress(stream, (error) => (error ? fail(error) : done()), (message: PushMessage) => {
      messages.push(message);
      const line = progressLine(message, shown);
      if (line) emit({ type: 'log', source: 'push', line });
    }),
  );
  return readPushStream(messages);
}
