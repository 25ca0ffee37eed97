import type Docker from 'dockerode';
import { join } from 'node:path';
import { loadProject } from '../../bake/config/load.js';
import type { Project } from '../../bake/config/project.js';
import { bakeDocker } from '../../bake/docker/bake.js';
import type { Emit } from '../../bake/events.js';
import { KILN_ROOT } from '../../bake/kiln-root.js';

/** Bake the load balancer with kiln's own recipe system, on the project's OS base so both share layers. */
export async function bakeLoadBalancerImage(docker: Docker, project: Project, emit: Emit): Promise<string> {
  const lb = await loadProject(join(KILN_ROOT, 'templates', 'lb'));
  lb.os = project.os;
  const result = await bakeDocker(lb, {
    docker,
    build: false,
    emit: (event) => (event.type === 'log' ? emit({ ...event, source: `lb ${event.source}` }) : event.type === 'layer' ? emit({ ...event, layer: `lb/${event.layer}` }) : undefined),
  });
  return result.imageId;
}
