import type Docker from 'dockerode';
import type { Project } from '../../bake/config/project.js';
import { connectDocker } from '../../bake/docker/connect.js';
import { UserError } from '../../bake/errors.js';
import { fieldAt } from '../../bake/config/where.js';
import { runImageTests } from '../../bake/verify/image-tests.js';
import type { Journal } from '../journal/journal.js';
import type { InstanceRecord, LaunchSpec } from '../journal/record.js';
import { LocalLoadBalancer, lbRole } from '../lb/load-balancer.js';
import { instanceRunning, launchInstance, terminateInstance, waitInstanceHealthy } from '../local/instances.js';
import { adoptInstance } from '../local/adopt-instance.js';
import { localNames } from '../local/names.js';
import { ensureNetwork } from '../local/network.js';
import type { Target } from '../targets/target.js';
import { bakeAmi } from './ami-bake.js';
import { AwsApi } from './api.js';
import { awsNetworkName, ensureAwsNetwork, type AwsNetwork } from './aws-network.js';
import { AwsLoadBalancer } from './aws-lb.js';
import { resolveBaseAmi } from './base-ami.js';
import { emulatedImageRef, emulatedInstanceName } from './emulated-images.js';
import { endpointFor, type AwsTargetName } from './endpoint.js';
import { emulatorRunsInstances } from './platform-instances.js';
import { ec2State, instancesIn, isInstanceNotFound, waitEc2Running, type DescribedInstances } from './ec2-instances.js';
import { abortableSleep } from './poll-until.js';
import { preflight } from './preflight.js';
import { waitRoleHealthyOverSsm } from './role-health-over-ssm.js';
import { retireAmi } from './retire-ami.js';
import { ec2 } from './requests.js';
import { instanceUserData, USER_DATA_LIMIT } from './user-data.js';
import { ssmSecrets, ssmSecretsAtBoot } from './ssm-secrets.js';
import { runImageTestsOverSsm } from './run-command.js';


/**
 * EC2 and ELBv2 through the AWS SDK, at AWS or at an emulator. Emulators neither run user-data nor route
 * traffic, so there each instance also gets a container (named localstack-ec2.<instance-id>) and the
 * local HAProxy follows the listener.
 */
export async function awsTarget(project: Project, journal: Journal, name: AwsTargetName): Promise<Target> {
  const endpoint = endpointFor(project, name);
  const api = new AwsApi(endpoint);
  // Fail before anything runs: no credentials, an emulator that is down, or a wrong region.
  await preflight(api);
  // A VPC's default security group admits nothing from outside: the production tests could never reach the ALB.
  if (!endpoint.emulated && project.aws.security_groups.length === 0) {
    throw new UserError(`${fieldAt(project, 'aws')}: on AWS, kiln.yaml must name aws.security_groups`, 'name groups that let you reach port 80 of the load balancer and let it reach the role\'s port on the instances (e.g. one group that admits itself, plus port 80 from your address)');
  }
  // Image tests on EC2 go through SSM, which needs an instance role: say so now, not after an hour's bake.
  if (!endpoint.emulated && project.tests.image.length > 0 && !project.aws.instance_profile) {
    throw new UserError(`${fieldAt(project, 'aws')}: image tests on EC2 run through SSM Run Command, which needs aws.instance_profile`, 'set aws.instance_profile to an IAM instance profile whose role has AmazonSSMManagedInstanceCore (and the image needs the SSM agent)');
  }
  const env = journal.env;
  const docker: Docker = await connectDocker();
  const network = endpoint.emulated ? await ensureNetwork(docker, project.project, env) : '';
  let awsNetwork: AwsNetwork | undefined;
  const vpc = async () => (awsNetwork ??= await ensureAwsNetwork(api, awsNetworkName(project.project, env), project));
  const role = lbRole(project);
  // The emulated ALB's stand-in takes any free port: release.port belongs to the local environment.
  const mirror = endpoint.emulated ? new LocalLoadBalancer(docker, journal, project, network, 0) : undefined;
  const lb = new AwsLoadBalancer(api, journal, { project: project.project, env, healthPath: project.roles[role]!.health ?? '/', port: project.roles[role]!.port!, securityGroups: project.aws.security_groups }, vpc, mirror);
  const ec2Ids = new Map<string, string>();
  let runsInstances: Promise<boolean> | undefined;
  const platformRuns = () => (runsInstances ??= endpoint.emulated ? emulatorRunsInstances(endpoint) : Promise.resolve(false));

  /** The EC2 instance a spec became: remembered, or found again by its kiln:spec-id tag (a resumed release). */
  const ec2IdOf = async (specId: string): Promise<string | undefined> => {
    if (ec2Ids.has(specId)) return ec2Ids.get(specId);
    const id = instancesIn(await api.send<DescribedInstances>(ec2.describeTaggedInstances({ 'kiln:spec-id': specId })))[0]?.InstanceId;
    if (id) ec2Ids.set(specId, id);
    return id;
  };
  const containerOf = async (spec: LaunchSpec) => emulatedInstanceName((await ec2IdOf(spec.instanceId)) ?? spec.instanceId);
  const idFromName = (instanceName: string) => instanceName.replace(/^localstack-ec2\./, '');
  const state = async (id: string) => (await ec2State(api, id)).name;
  // Instances go round-robin over the subnets (two zones at least), so a stack survives one zone.
  let launches = 0;

  return {
    kind: name,
    lb,
    async bake(built, options) {
      if (await platformRuns()) options.emit({ type: 'notice', level: 'info', message: `${name} runs EC2 instances itself: kiln adopts each instance's container (localstack-ec2.<id>) instead of starting a duplicate` });
      const subnetId = (await vpc()).subnetIds[0];
      const baseAmi = await resolveBaseAmi(api, docker, built, project.aws.base_ami, options.emit);
      return bakeAmi(api, built, { ...options, docker, instanceType: project.aws.instance_type, baseAmi, subnetId });
    },
    async imageExists(id) {
      const found = await api.send<{ Images?: { Name?: string }[] }>(ec2.describeImage(id)).catch(() => ({ Images: [] }));
      const image = found.Images?.[0];
      if (!image) return false;
      return !endpoint.emulated || Boolean(await docker.getImage(emulatedImageRef(image.Name!, id)).inspect().catch(() => undefined));
    },
    removeImage: (id) => retireAmi(api, docker, id),
    async launch(spec, release, secrets): Promise<InstanceRecord> {
      let id = await ec2IdOf(spec.instanceId);
      if (!id) {
        const userData = instanceUserData(spec.configure, spec.command, spec.role, ssmSecretsAtBoot(project.project, env, spec.secrets));
        if (Buffer.byteLength(userData) > USER_DATA_LIMIT) {
          throw new UserError(`role ${spec.role}'s user-data is ${Buffer.byteLength(userData)} bytes, over EC2's 16 KB limit`, `shorten its configure template (roles.${spec.role}.configure): it runs at boot with metadata only, and belongs in the image when it is long`);
        }
        const run = await api.send<{ Instances?: { InstanceId?: string }[] }>(ec2.runInstance({
          imageId: spec.imageId, instanceType: project.aws.instance_type, userData,
          subnetId: pick((await vpc()).subnetIds, launches++), clientToken: spec.instanceId,
          // Emulators run no SSM agent, and moto refuses a profile its IAM does not hold: only real EC2 gets it.
          instanceProfile: endpoint.emulated ? undefined : project.aws.instance_profile, securityGroups: project.aws.security_groups,
          tags: { Name: spec.name, 'kiln:managed': 'true', 'kiln:project': project.project, 'kiln:env': env, 'kiln:release': release, 'kiln:role': spec.role, 'kiln:spec-id': spec.instanceId },
        }));
        id = run.Instances![0]!.InstanceId!;
        ec2Ids.set(spec.instanceId, id);
      }
      if (!endpoint.emulated) {
        // Just launched, EC2 may not know the id yet: the wait tolerates that, and gives the address.
        const { ip } = await waitEc2Running(api, id, project.release.timeout);
        return { instanceId: id, specId: spec.instanceId, role: spec.role, container: id, imageId: spec.imageId, ip, state: 'running' };
      }
      // The emulator's instance gets its data plane: a container of the AMI's image, booted like any kiln instance.
      const image = (await api.send<{ Images?: { Name?: string }[] }>(ec2.describeImage(spec.imageId))).Images?.[0];
      if (!image?.Name) throw new UserError(`AMI ${spec.imageId} is not known to ${name}`, 'bake again: the emulator may have been reset');
      const instance = { ...spec, instanceId: id, name: emulatedInstanceName(id), imageId: emulatedImageRef(image.Name, spec.imageId) };
      const context = { project: project.project, env, release, network, secrets };
      const container = (await platformRuns()) ? await adoptInstance(docker, instance, context, project.release.timeout) : await launchInstance(docker, instance, context);
      return { ...container, specId: spec.instanceId, imageId: spec.imageId };
    },
    async waitHealthy(spec, timeout, signal) {
      if (endpoint.emulated) return waitInstanceHealthy(docker, { ...spec, name: await containerOf(spec) }, timeout, signal);
      const id = await ec2IdOf(spec.instanceId);
      if (!id) throw new UserError(`no EC2 instance found for ${spec.name} (tag kiln:spec-id=${spec.instanceId})`, 'resume the release, or abort it and release again');
      await waitEc2Running(api, id, timeout, signal);
      // With an instance role, "healthy" means what it means locally: the role answers its health path.
      if (project.aws.instance_profile && spec.port !== undefined && spec.health) await waitRoleHealthyOverSsm(api, id, { name: spec.role, port: spec.port, health: spec.health }, timeout, signal);
    },
    async imageTests(spec, built, testRole, emit, signal) {
      if (!endpoint.emulated) {
        const id = await ec2IdOf(spec.instanceId);
        if (!id) throw new UserError(`no EC2 instance found for ${spec.name} (tag kiln:spec-id=${spec.instanceId})`, 'resume the release, or abort it and release again');
        return runImageTestsOverSsm(api, id, built, testRole, emit, { timeoutSeconds: built.release.timeout, signal });
      }
      return runImageTests(docker, docker.getContainer(await containerOf(spec)), built, testRole, emit);
    },
    async terminate(instanceName, grace) {
      const id = idFromName(instanceName);
      if (endpoint.emulated) await terminateInstance(docker, emulatedInstanceName(id), grace);
      // The ALB drains a detached target for release.grace (its deregistration delay): terminating sooner cuts its requests.
      else if (grace > 0) await abortableSleep(grace * 1000, undefined);
      await api.send(ec2.terminateInstances([id])).catch((error: unknown) => {
        if (!isInstanceNotFound(error)) throw error;
      });
    },
    async running(instanceName) {
      const id = idFromName(instanceName);
      if ((await state(id)) !== 'running') return false;
      return !endpoint.emulated || instanceRunning(docker, emulatedInstanceName(id));
    },
    async instancesOf(release) {
      const found = await api.send<DescribedInstances>(ec2.describeTaggedInstances({ 'kiln:project': project.project, 'kiln:env': env, 'kiln:release': release }));
      const ids = instancesIn(found).map((instance) => instance.InstanceId!);
      return ids.map((id) => (endpoint.emulated ? emulatedInstanceName(id) : id));
    },
    async fault(kind, instanceName) {
      if (!endpoint.emulated) throw new UserError('fault injection on real AWS is not offered: rehearse on an emulator or locally');
      const container = docker.getContainer(emulatedInstanceName(idFromName(instanceName)));
      await (kind === 'kill' ? container.kill() : container.pause());
    },
    secretValues: (built) => ssmSecrets(api, built, env),
    instanceName: (specRole, instanceId) => localNames.instance(project.project, env, specRole, instanceId),
  };
}

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;
