import type { Project } from '../../bake/config/project.js';
import type { Bom } from '../../bake/bom/bom.js';
import type { Emit } from '../../bake/events.js';
import type { GitState } from '../../bake/git.js';
import type { TestResult } from '../../bake/verify/image-tests.js';
import type { InstanceRecord, LaunchSpec, LoadBalancerRecord, TargetName } from '../journal/record.js';

/** An image a target can launch, with what it is made of. */
export interface BakedImage {
  ref: string;
  id: string;
  recipeDigest: string;
  layers: { name: string; digest: string; cached: boolean }[];
  bom: Bom;
}

/** A backend member: an instance and where the load balancer reaches it. */
export interface Member {
  release: string;
  instanceId: string;
  address: string;
  port: number;
}

/** The load balancer in front of an environment. Every method is idempotent and works from the journal. */
export interface LoadBalancer {
  /** The balancer, made (and waited for) when missing; `signal` ends a long wait. */
  ensure(emit: Emit, signal?: AbortSignal): Promise<LoadBalancerRecord>;
  /** Add members without giving them traffic; the balancer starts checking them. `drainSeconds`: how long a member that leaves may finish its requests. */
  stage(members: Member[], options?: { drainSeconds?: number }): Promise<void>;
  /** How long `waitUp` should allow a new stack, healthy from inside, given release.timeout: the balancer's own checks set the pace. */
  healthWaitSeconds(releaseTimeout: number): number;
  /** Resolve once the balancer's own checks pass for every named instance. */
  waitUp(instanceIds: string[], timeoutSeconds: number, signal?: AbortSignal): Promise<void>;
  health(): Promise<Map<string, boolean>>;
  /** Serve only `release`; returns the switch's own duration in seconds. */
  switchTo(release: string): Promise<number>;
  detach(instanceIds: string[]): Promise<void>;
  serving(): Promise<string | undefined>;
}

/**
 * Where a release runs. The engine sees only this; the local Docker engine, an AWS emulator and AWS
 * itself implement it, and `selectTarget` is the one place that chooses.
 */
export interface Target {
  readonly kind: TargetName;
  readonly lb: LoadBalancer;
  bake(project: Project, options: { emit: Emit; signal: AbortSignal; git: GitState; stateDir: string; hangBuilder?: boolean }): Promise<BakedImage>;
  imageExists(id: string): Promise<boolean>;
  /** Delete a release's image (kiln gc); a UserError says why when it must stay. */
  removeImage(id: string): Promise<void>;
  launch(spec: LaunchSpec, release: string, secrets: ReadonlyMap<string, string> | undefined): Promise<InstanceRecord>;
  waitHealthy(spec: LaunchSpec, timeoutSeconds: number, signal?: AbortSignal): Promise<void>;
  imageTests(spec: LaunchSpec, project: Project, role: string, emit: Emit, signal?: AbortSignal): Promise<TestResult[]>;
  terminate(instanceName: string, graceSeconds: number): Promise<void>;
  running(instanceName: string): Promise<boolean>;
  /** Every instance of a release the platform knows, found by tag or label, journaled or not. */
  instancesOf(release: string): Promise<string[]>;
  /** Rehearsal faults: an instance that dies, or one that stops answering. */
  fault(kind: 'kill' | 'hang', instanceName: string): Promise<void>;
  /** Secret values for launches: from $NAME or .kiln/secrets locally, from SSM SecureString on the aws targets. */
  secretValues(project: Project): Promise<ReadonlyMap<string, string>>;
  /** Container, network or instance name for an instance. */
  instanceName(role: string, instanceId: string): string;
}
