import type Docker from 'dockerode';
import { bakeDocker } from '../../bake/docker/bake.js';
import { LABEL } from '../../bake/docker/labels.js';
import { runImageTests } from '../../bake/verify/image-tests.js';
import type { Journal } from '../journal/journal.js';
import { LocalLoadBalancer } from '../lb/load-balancer.js';
import { instanceRunning, launchInstance, terminateInstance, waitInstanceHealthy } from '../local/instances.js';
import { INSTANCE_LABEL, localNames } from '../local/names.js';
import { removeReleaseImage } from '../local/remove-image.js';
import type { Project } from '../../bake/config/project.js';
import type { Target } from './target.js';
import { resolveSecrets } from '../../bake/secrets/resolve.js';

/** The local Docker engine as a cloud: containers on the environment's network, HAProxy in front. */
export function localTarget(docker: Docker, journal: Journal, project: Project, network: string): Target {
  const env = journal.env;
  return {
    kind: 'local',
    lb: new LocalLoadBalancer(docker, journal, project, network),
    async bake(built, options) {
      const result = await bakeDocker(built, { ...options, docker, build: false });
      return { ref: result.image, id: result.imageId, recipeDigest: result.recipeDigest, layers: result.layers.map(({ name, digest, cached }) => ({ name, digest, cached })), bom: result.bom };
    },
    imageExists: async (id) => Boolean(await docker.getImage(id).inspect().catch(() => undefined)),
    removeImage: (id) => removeReleaseImage(docker, project.project, id),
    launch: (spec, release, secrets) => launchInstance(docker, spec, { project: project.project, env, release, network, secrets }),
    waitHealthy: (spec, timeout, signal) => waitInstanceHealthy(docker, spec, timeout, signal),
    imageTests: (spec, built, role, emit) => runImageTests(docker, docker.getContainer(spec.name), built, role, emit),
    terminate: (name, grace) => terminateInstance(docker, name, grace),
    running: (name) => instanceRunning(docker, name),
    async instancesOf(release) {
      const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`, `${LABEL.project}=${project.project}`, `${INSTANCE_LABEL.env}=${env}`, `${INSTANCE_LABEL.release}=${release}`] } });
      return found.map((container) => container.Names[0]!.replace(/^\//, ''));
    },
    async fault(kind, name) {
      const container = docker.getContainer(name);
      await (kind === 'kill' ? container.kill() : container.pause());
    },
    secretValues: async (built) => resolveSecrets(built, { required: true }),
    instanceName: (role, instanceId) => localNames.instance(project.project, env, role, instanceId),
  };
}
