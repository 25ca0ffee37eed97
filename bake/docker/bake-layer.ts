import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { ExternalError, UserError } from '../errors.js';
import { secondsSince, type Emit } from '../events.js';
import { shortDigest } from '../recipe/digest.js';
import { INPUTS_DIR } from '../recipe/context.js';
import type { RecipeLayer } from '../recipe/recipe.js';
import { atMost, attachLines, removeContainer } from './container-io.js';
import { explainDockerError } from './docker-errors.js';
import { LABEL, REPO } from './labels.js';
import { packTar, type TarEntry } from './tar.js';
import { scanLayerChanges } from '../secrets/scan-layer.js';

export interface LayerResult {
  ref: string;
  cached: boolean;
  seconds: number;
}

// Runs each script in order, then deletes the inputs so they never reach the committed layer.
const RUNNER = `set -u
export DEBIAN_FRONTEND=noninteractive KILN_INPUTS=${INPUTS_DIR}
rc=0
for script in ${INPUTS_DIR}/scripts/*.sh; do
  sh "$script" || { rc=$?; echo "kiln: $(basename "$script") exited with status $rc" >&2; break; }
done
rm -rf /kiln
exit $rc`;

/** The tag a layer is cached under: its full digest, so a hit is exact. */
export function layerRef(layer: RecipeLayer): string {
  return `${REPO.layer(layer.name)}:${shortDigest(layer.digest, 64)}`;
}

/**
 * Bake one recipe layer as exactly one Docker layer: run its scripts in a container of the parent
 * and commit it. (A Dockerfile would need COPY then RUN: two layers, with the inputs left in the first.)
 */
export interface BakeLayerOptions {
  signal?: AbortSignal;
  /** Labels for the image itself, set when this is the top layer. */
  imageLabels?: Record<string, string>;
  /** Declared secret values to look for in the layer before it is committed. */
  secrets?: ReadonlyMap<string, string>;
  /** Whether the layer's scripts may reach the network (default true). */
  network?: boolean;
}

export async function bakeLayer(docker: Docker, layer: RecipeLayer, parentRef: string, emit: Emit, options: BakeLayerOptions = {}): Promise<LayerResult> {
  const { signal, imageLabels = {}, secrets = new Map<string, string>() } = options;
  const started = performance.now();
  const ref = layerRef(layer);
  if (await hasLayer(docker, ref, layer)) {
    emit({ type: 'layer', layer: layer.name, digest: layer.digest, status: 'cached', seconds: 0 });
    return { ref, cached: true, seconds: 0 };
  }
  emit({ type: 'layer', layer: layer.name, digest: layer.digest, status: 'building' });
  let parent: Docker.ImageInspectInfo;
  try {
    parent = await docker.getImage(parentRef).inspect();
  } catch (error) {
    throw explainDockerError(error, `looking up ${parentRef}, the parent of the ${layer.name} layer`);
  }
  const container = await docker
    .createContainer({
      name: `kiln-bake-${layer.name}-${shortDigest(layer.digest, 8)}-${randomBytes(3).toString('hex')}`,
      Image: parentRef,
      Cmd: ['/bin/sh', '-c', RUNNER],
      User: '0',
      Labels: { [LABEL.managed]: 'true', [LABEL.purpose]: 'bake' },
      // The app layer only copies what the host built: it gets no network unless asked (app.network).
      HostConfig: { NetworkMode: options.network === false ? 'none' : 'bridge' },
    })
    .catch((error: unknown) => {
      throw explainDockerError(error, `creating the ${layer.name} builder`);
    });
  const stop = () => void container.kill().catch(() => {});
  signal?.addEventListener('abort', stop);
  try {
    await container.putArchive(packTar(layerEntries(layer)), { path: '/' });
    const output = await attachLines(docker, container, (line) => emit({ type: 'log', source: layer.name, line }));
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    await atMost(output.closed, 2000);
    if (signal?.aborted) throw new UserError(`bake interrupted during the ${layer.name} layer; nothing was kept`);
    if (StatusCode !== 0) {
      const tail = output.tail().slice(-15);
      const failed = /kiln: (\S+) exited/.exec(tail.join('\n'))?.[1];
      const origin = layer.scripts[Number(failed?.slice(0, 2)) - 1]?.template.origin ?? layer.scripts[0]?.template.origin;
      if (tail.some((line) => /no space left on device/i.test(line))) throw explainDockerError(new Error('no space left on device'), `baking the ${layer.name} layer`, tail);
      throw new ExternalError(`the ${layer.name} layer script failed with status ${StatusCode} (${origin})`, origin, {
        tail,
        hint: `run \`kiln render\` and read .kiln/render/${layer.name}/ to see the script as it ran`,
      });
    }
    const labels = {
      ...(parent.Config.Labels ?? {}),
      [LABEL.managed]: 'true',
      [LABEL.purpose]: 'layer',
      [LABEL.layer]: layer.name,
      [LABEL.layerDigest(layer.name)]: layer.digest,
      // The top layer is committed with the image's labels, so the common case needs no relabelling build.
      ...imageLabels,
    };
    const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
    // Scan and commit at once (the scan is the slow part); a layer that would carry a secret is removed again at once.
    const [scan, committed] = await Promise.all([
      scanLayerChanges(container, secrets),
      // Commit merges unset fields from the builder's config, so restore the parent's command explicitly.
      container.commit({
        _query: { container: container.id, repo, tag, comment: `kiln ${layer.name} layer ${layer.digest}` },
        _body: { Cmd: parent.Config.Cmd ?? ['/bin/sh'], Entrypoint: parent.Config.Entrypoint ?? null, Labels: labels },
      } as object) as Promise<{ Id: string }>,
    ]);
    if (scan.findings.length > 0) {
      await docker.getImage(committed.Id).remove({ force: true }).catch(() => {});
      const first = scan.findings[0]!;
      throw new UserError(
        `the ${layer.name} layer would contain ${first.what} in ${first.path}${scan.findings.length > 1 ? ` (and ${scan.findings.length - 1} more finding(s))` : ''}; nothing was committed`,
        `remove it from ${layer.scripts.map((script) => script.template.origin).join(', ')} or its inputs; secrets belong in configure templates, read at boot`,
      );
    }
    emit({ type: 'log', source: layer.name, line: `kiln: scanned ${scan.files} changed files for secrets: clean` });
    const seconds = secondsSince(started);
    emit({ type: 'layer', layer: layer.name, digest: layer.digest, status: 'built', seconds });
    return { ref, cached: false, seconds };
  } catch (error) {
    emit({ type: 'layer', layer: layer.name, digest: layer.digest, status: 'failed', seconds: secondsSince(started) });
    throw explainDockerError(error, `baking the ${layer.name} layer`);
  } finally {
    signal?.removeEventListener('abort', stop);
    await removeContainer(container).catch(() => {});
  }
}

async function hasLayer(docker: Docker, ref: string, layer: RecipeLayer): Promise<boolean> {
  try {
    const image = await docker.getImage(ref).inspect();
    return image.Config.Labels?.[LABEL.layerDigest(layer.name)] === layer.digest;
  } catch {
    return false;
  }
}

function layerEntries(layer: RecipeLayer): TarEntry[] {
  const scripts = layer.scripts.map((script, index) => ({
    name: `kiln/inputs/scripts/${String(index + 1).padStart(2, '0')}-${script.template.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.sh`,
    mode: 0o755,
    content: script.text,
  }));
  const inputs = layer.inputs.map((input): TarEntry =>
    input.linkTarget !== undefined
      ? { name: `kiln/inputs/${input.dest}`, link: input.linkTarget }
      : { name: `kiln/inputs/${input.dest}`, mode: input.mode, file: input.source, size: input.size },
  );
  return [...scripts, ...inputs];
}
