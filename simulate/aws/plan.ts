import type { Project } from '../../bake/config/project.js';
import { renderConfigure, renderLayers } from '../../bake/recipe/recipe.js';
import { lbRole } from '../lb/load-balancer.js';
import { elbName } from './aws-lb.js';
import { albHealthWaitSeconds } from './target-health.js';
import { ec2, elbv2, s3, ssm, sts, type AwsRequest } from './requests.js';
import { builderBundle } from './builder-bundle.js';
import { STAGING_PREFIX } from './bundle-staging.js';
import { builderUserData, instanceUserData, USER_DATA_LIMIT } from './user-data.js';
import { ssmSecretName, ssmSecretsAtBoot } from './ssm-secrets.js';
import { imageTestRequests } from './run-command.js';
import { roleHealthCommand } from './role-health-over-ssm.js';

/** One planned call, with the phase of the release that makes it. */
export interface PlannedCall extends AwsRequest {
  step: string;
  /** When the call is made only sometimes (the first release, later ones) or repeatedly. */
  note?: string;
}

/**
 * Every AWS call a release on AWS makes, in order, built by the same request builders the driver
 * sends — with <placeholders> for ids AWS has not assigned yet. Nothing is sent.
 */
export async function planAwsRelease(project: Project, env: string, release = '<release>'): Promise<PlannedCall[]> {
  // Inputs are embedded when the artifact is built; a plan made before the build shows the scripts alone.
  const layers = await renderLayers(project).catch(() => renderLayers(project, { withInputs: false }));
  const bundle = await builderBundle(layers);
  const embedded = builderUserData({ embedded: bundle.archive });
  const staged = Buffer.byteLength(embedded) > USER_DATA_LIMIT;
  const bucket = project.aws.staging_bucket ?? 'kiln-staging-<account>-<region>';
  const key = `${STAGING_PREFIX}${project.project}/${bundle.sha256.slice(0, 16)}-<random>.tgz`;
  const role = lbRole(project);
  const at = (step: string, request: AwsRequest, note?: string): PlannedCall => ({ step, ...request, ...(note ? { note } : {}) });
  const baseAmi = project.aws.base_ami.startsWith('ami-') ? project.aws.base_ami : '<base-ami>';
  const subnet = project.aws.subnets[0] ?? '<subnet>';
  const calls: PlannedCall[] = [at('preflight', sts.whoami()), at('preflight', ec2.describeRegions())];
  if (!project.aws.base_ami.startsWith('ami-')) calls.push(at('5 image', ssm.getParameter(project.aws.base_ami.replace(/^resolve:ssm:/, ''))));
  if (baseAmi !== '<base-ami>') calls.push(at('5 image', ec2.describeImage(baseAmi)));
  calls.push(
    at('5 image', ec2.findImagesByDigest('<recipe-digest>')),
    at('5 image', ec2.describeLiveInstances({ 'tag:kiln:purpose': 'builder', 'tag:kiln:recipe-digest': '<recipe-digest>' })),
  );
  // Over 16 KB the bundle goes to S3 and the builder fetches it by a presigned URL.
  if (staged) {
    calls.push(
      at('5 image', sts.whoami()),
      at('5 image', s3.headBucket(bucket, '<account>')),
      at('5 image', s3.createBucket(bucket, project.aws.region ?? '<region>')),
      at('5 image', s3.expireStaged(bucket, STAGING_PREFIX)),
      // The bundle's bytes are summarised: a plan is for reading (and --json for diffing).
      at('5 image', withBody(s3.putObject(bucket, key, bundle.archive, bundle.sha256, '<account>'), `<${bundle.archive.length} bytes, sha256 ${bundle.sha256}>`)),
    );
  }
  const userData = staged ? builderUserData({ url: '<presigned-url>', sha256: bundle.sha256 }) : embedded;
  calls.push(
    at('5 image', ec2.runInstance({ imageId: baseAmi, instanceType: project.aws.instance_type, userData, subnetId: subnet, securityGroups: project.aws.security_groups, clientToken: '<builder-token>', tags: { 'kiln:purpose': 'builder', 'kiln:recipe-digest': '<recipe-digest>' } })),
    at('5 image', ec2.describeInstance('<builder>')),
    at('5 image', ec2.consoleOutput('<builder>')),
    at('5 image', ec2.createImage('<builder>', `kiln-${project.project}-<recipe12>`, { 'kiln:recipe-digest': '<recipe-digest>', 'kiln:release-tag': release })),
    at('5 image', ec2.describeImage('<ami>')),
    at('5 image', ec2.terminateInstances(['<builder>'])),
    ...(staged ? [at('5 image', s3.deleteObject(bucket, key))] : []),
  );
  for (const name of project.secrets) {
    calls.push(at('6 configure', ssm.getSecureParameter(ssmSecretName(project.project, env, name))));
  }
  const starts: PlannedCall[] = [];
  for (const [name, settings] of Object.entries(project.roles)) {
    const configure = (await renderConfigure(project, name)).text;
    for (let index = 0; index < settings.count; index++) {
      const launch = ec2.runInstance({
        imageId: '<ami>', instanceType: project.aws.instance_type, userData: instanceUserData(configure, settings.command, name, ssmSecretsAtBoot(project.project, env, project.secrets)), subnetId: subnet,
        clientToken: `<spec-${name}-${index + 1}>`, tags: { 'kiln:project': project.project, 'kiln:env': env, 'kiln:release': release, 'kiln:role': name }, instanceProfile: project.aws.instance_profile, securityGroups: project.aws.security_groups,
      });
      // With an instance role, "healthy" is asked on the instance over SSM (role-health-over-ssm.ts).
      const health = project.aws.instance_profile && settings.port !== undefined && settings.health
        ? [ssm.describeInstanceInformation(`<${name}-${index + 1} instance>`), ssm.sendCommand(`<${name}-${index + 1} instance>`, roleHealthCommand(settings.port, settings.health, project.release.timeout), { timeoutSeconds: project.release.timeout + 30, comment: `kiln: ${name} health` }), ssm.getCommandInvocation('<command>', `<${name}-${index + 1} instance>`)]
        : [];
      if (index === 0) calls.push(at('7 launch', launch), ...health.map((request) => at('7 launch', request)));
      else starts.push(at('9 start services', launch), ...health.map((request) => at('9 start services', request)));
    }
  }
  // Step 8 tests each role's first instance through SSM Run Command before the rest of the stack starts.
  calls.push(...imageTestRequests(project, (name) => `<${name}-1 instance>`).map((request) => at('8 test', request)), ...starts);
  const owner = { 'kiln:project': project.project, 'kiln:env': env };
  const alb = elbName(project.project, env);
  const group = '<target-group>';
  const previous = '<previous target group>';
  const first = 'first release only';
  const later = 'later releases only';
  // What AwsLoadBalancer sends on AWS: the ALB and its listener are made once; each release's group joins at weight 0, then takes the weight.
  calls.push(
    at('10 cutover', elbv2.describeLoadBalancer(alb), first),
    at('10 cutover', elbv2.createLoadBalancer(alb, project.aws.subnets.length ? project.aws.subnets : ['<subnet-a>', '<subnet-b>'], project.aws.security_groups, owner), first),
    at('10 cutover', elbv2.describeLoadBalancer(alb), 'first release only, until State.Code is active (at most 10 min)'),
    at('10 cutover', elbv2.describeListeners('<load-balancer>'), first),
    at('10 cutover', elbv2.createTargetGroup(elbName(project.project, env, release), '<vpc>', project.roles[role]!.port!, project.roles[role]!.health ?? '/', { ...owner, 'kiln:release': release })),
    at('10 cutover', elbv2.setDeregistrationDelay(group, project.release.grace)),
    at('10 cutover', elbv2.registerTargets(group, [`<${role} instances>`])),
    at('10 cutover', elbv2.createListener('<load-balancer>', [{ arn: group, weight: 1 }]), 'first release only: the listener forwards to this group alone'),
    at('10 cutover', elbv2.describeListeners('<load-balancer>'), later),
    at('10 cutover', elbv2.modifyListener('<listener>', [{ arn: previous, weight: 1 }, { arn: group, weight: 0 }]), 'later releases only: weight 0, so the ALB health-checks the group before it takes traffic'),
    at('10 cutover', elbv2.describeTargetHealth(group), `until every target is healthy (within ${albHealthWaitSeconds(project.release.timeout)} s)`),
    at('10 cutover', elbv2.describeTargetHealth(previous), 'later releases only: the health shown before cutover'),
    at('10 cutover', elbv2.describeTargetHealth(group), 'the health shown before cutover'),
    at('10 cutover', elbv2.describeListeners('<load-balancer>')),
    at('10 cutover', elbv2.modifyListener('<listener>', [{ arn: previous, weight: 0 }, { arn: group, weight: 1 }]), later),
    at('11 test in production (on failure)', elbv2.describeListeners('<load-balancer>'), later),
    at('11 test in production (on failure)', elbv2.modifyListener('<listener>', [{ arn: previous, weight: 1 }, { arn: group, weight: 0 }]), later),
    at('11 test in production (on failure)', elbv2.describeListeners('<load-balancer>')),
    at('11 test in production (on failure)', elbv2.deregisterTargets(group, ['<new instances>'])),
    at('11 test in production (on failure)', elbv2.modifyListener('<listener>', [{ arn: previous, weight: 1 }]), later),
    at('11 test in production (on failure)', elbv2.deleteTargetGroup(group), later),
    at('11 test in production (on failure)', ec2.terminateInstances(['<new instances>'])),
    at('12 shut down old stack', elbv2.describeListeners('<load-balancer>')),
    at('12 shut down old stack', elbv2.deregisterTargets(previous, ['<old instances>'])),
    at('12 shut down old stack', elbv2.modifyListener('<listener>', [{ arn: group, weight: 1 }])),
    at('12 shut down old stack', elbv2.deleteTargetGroup(previous)),
    at('12 shut down old stack', ec2.terminateInstances(['<old instances>'])),
  );
  return calls;
}

function withBody(request: AwsRequest, summary: string): AwsRequest {
  return { ...request, input: { ...request.input, Body: summary } };
}

/** One line per call for people; user-data is summarised, not dumped. */
export function formatPlan(calls: readonly PlannedCall[]): string {
  return calls.map((call, index) => {
    const input = JSON.stringify(call.input, (key, value) => (key === 'UserData' ? `<${Buffer.from(String(value), 'base64').length} bytes of user-data>` : value));
    const mark = call.reversible ? `reversible${call.undo ? ` (undo: ${call.undo})` : ''}` : 'NOT reversible';
    return `${String(index + 1).padStart(2)}. [${call.step}] ${call.service}.${call.action} — ${mark}${call.note ? ` — ${call.note}` : ''}\n      ${input}`;
  }).join('\n');
}
