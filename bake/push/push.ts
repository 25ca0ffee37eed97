import type Docker from 'dockerode';
import type { Project } from '../config/project.js';
import { connectDocker } from '../docker/connect.js';
import { phase, secondsSince, type Emit } from '../events.js';
import { journalPush, pushRecord, type PushRecord } from './push-journal.js';
import { planPush, readVerification, type PushPlan } from './push-plan.js';
import { sendPush, type SentPush } from './push-send.js';
import { resolvePushTarget } from './push-target.js';
import { parseRegistry } from './registry-ref.js';

export interface PushOptions {
  /** The registry, host[:port][/path], or `ecr` (with `aws`); required (a missing one is a user error, not a crash). */
  to: string | undefined;
  /** With `--to ecr`: which AWS to use (aws, or the moto and localstack emulators). */
  aws?: 'aws' | 'moto' | 'localstack';
  /** A release id (in `env`'s journal) or an image reference; default the project's latest bake. */
  target?: string;
  /** The environment whose journal holds the release (default local). */
  env?: string;
  /** Push even without a passing verification record; the push is journaled as forced. */
  force?: boolean;
  emit: Emit;
  signal?: AbortSignal;
  docker?: Docker;
}

/** What `kiln push --json` prints. */
export interface PushResult extends PushRecord {
  plan: PushPlan;
  layers: SentPush['layers'];
  seconds: number;
}

/**
 * Push a verified image to a registry, tagged with its recipe digest (and release tag), and journal the
 * registry's digest. Everything is decided and refused before anything is sent.
 */
export async function pushImage(project: Project, options: PushOptions): Promise<PushResult> {
  const started = performance.now();
  const { emit } = options;
  const docker = options.docker ?? (await connectDocker());
  const target = await resolvePushTarget(docker, project, options.env ?? 'local', options.target);
  const verification = await readVerification(project, target.imageId);
  // Refuse an unverified image before asking ECR for anything.
  if (options.to === 'ecr') planPush(target, { host: 'ecr', path: '' }, verification, options.force ?? false);
  const ecr = options.to === 'ecr' ? await (await import('../../simulate/aws/ecr.js')).ecrDestination(project, options.aws ?? 'aws') : undefined;
  const registry = ecr?.registry ?? parseRegistry(options.to);
  const plan = planPush(target, registry, verification, options.force ?? false);
  if (plan.warning) emit({ type: 'notice', level: 'warn', message: `${plan.warning}; the journal records it as forced` });
  const sent = await phase(emit, 'push', () => sendPush(docker, plan, target.diffIds, emit, options.signal, ecr?.auth), (done) => `${plan.repository}@${done.digest}`);
  await ecr?.afterPush(plan.repository, plan.tags, sent.digest);
  const record = pushRecord(plan, sent.digest, new Date());
  await journalPush(project.dir, project.project, plan, record);
  return { ...record, plan, layers: sent.layers, seconds: secondsSince(started) };
}
