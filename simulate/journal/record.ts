import type { Bom } from '../../bake/bom/bom.js';

/** What the journal keeps for one release: enough to resume it, undo it, or reproduce it. */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'rolled-back';
export type Outcome = 'running' | 'live' | 'rolled-back' | 'failed' | 'aborted';

export interface StepRecord {
  n: number;
  name: string;
  status: StepStatus;
  seconds?: number;
  startedAt?: string;
  detail?: string;
}

/** Everything needed to start one instance, decided in step 6 so a resumed release starts the same ones. */
export interface LaunchSpec {
  instanceId: string;
  role: string;
  name: string;
  imageId: string;
  configure: string;
  command: string;
  port?: number;
  health?: string;
  zone: string;
  /** Names of the secrets delivered at boot (values are resolved at launch, never journaled). */
  secrets: string[];
}

export interface InstanceRecord {
  instanceId: string;
  /** The launch spec it came from, where the platform assigns its own id (EC2). */
  specId?: string;
  role: string;
  container: string;
  imageId: string;
  ip?: string;
  state: 'running' | 'terminated';
}

export interface ReleaseRecord {
  schema: 1;
  id: string;
  project: string;
  env: string;
  target: TargetName;
  n: number;
  tag: string;
  commit: string;
  /** The release that was live when this one started. */
  previous: string | null;
  workdir?: string;
  recipeDigest?: string;
  layers?: { name: string; digest: string; cached: boolean }[];
  image?: { ref: string; id: string };
  /** The image's bill of materials (bake/bom/bom.ts), for kiln diff. */
  bom?: Bom;
  /** The rendered layer scripts, so a promotion can say which lines changed. */
  recipe?: { layers: { name: string; digest: string; scripts: { origin: string; text: string }[] }[] };
  /** For a promotion: the rehearsed release this one ships, which must have the same recipe digest. */
  promotedFrom?: { env: string; release: string; recipeDigest: string; recipe?: ReleaseRecord['recipe'] };
  /** Where this release was promoted to. */
  promotedTo?: { env: string; target: string; release: string; outcome: string; at: string }[];
  specs: LaunchSpec[];
  instances: InstanceRecord[];
  lb?: { url: string; live: string[] };
  steps: StepRecord[];
  faults: string[];
  /** release --keep-old: step 12 leaves the old stack running. */
  keepOld: boolean;
  outcome: Outcome;
  error?: string;
  startedAt: string;
  finishedAt?: string;
  pid: number;
}

/** One load balancer slot: which instance of which release it points at. */
export interface SlotRecord {
  release: string;
  instanceId: string;
  address: string;
}

export interface LoadBalancerRecord {
  container: string;
  port: number;
  apiPort: number;
  url: string;
  slots: Record<string, SlotRecord>;
}

export type TargetName = 'local' | 'moto' | 'localstack' | 'aws';

/** The ELBv2 side of an AWS environment. On an emulator the local HAProxy (`lb`) mirrors it and carries the traffic. */
export interface AwsLoadBalancerRecord {
  /** local-proxy-only: the endpoint has no ELBv2 (LocalStack community), so the local proxy is the ALB. */
  mode: 'elbv2' | 'local-proxy-only';
  vpcId: string;
  subnetIds: string[];
  loadBalancerArn?: string;
  listenerArn?: string;
  dnsName?: string;
  /** release id → its target group (blue/green: one per stack). */
  targetGroups: Record<string, string>;
  /** EC2 instance id → release. */
  members: Record<string, string>;
}

/** Per-environment state: what is live, and the load balancer in front of it. */
export interface EnvState {
  schema: 1;
  env: string;
  project: string;
  /** Where this environment runs; fixed when it is first used. */
  target?: TargetName;
  aws?: AwsLoadBalancerRecord;
  live: string | null;
  /** Releases whose stacks are still running beside the live one (release --keep-old). */
  standby: string[];
  lb: LoadBalancerRecord | null;
  releaseCount: number;
  events: { at: string; kind: 'release' | 'rollback' | 'heal' | 'abort' | 'gc'; release: string; detail: string }[];
}
