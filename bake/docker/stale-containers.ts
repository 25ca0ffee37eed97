import type Docker from 'dockerode';
import { LABEL } from './labels.js';
import { removeContainer } from './container-io.js';

// Short-lived helpers a bake or verify makes; an exited one was left by a kiln process that was killed.
const HELPERS = ['bake', 'bom', 'verify'];

/** Remove exited helper containers that a killed kiln left behind (running ones may belong to a concurrent bake). */
export async function removeStaleHelpers(docker: Docker): Promise<number> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`], status: ['exited', 'dead'] } });
  const stale = found.filter((container) => HELPERS.includes(container.Labels[LABEL.purpose] ?? ''));
  await Promise.all(stale.map((container) => removeContainer(docker.getContainer(container.Id)).catch(() => {})));
  return stale.length;
}
