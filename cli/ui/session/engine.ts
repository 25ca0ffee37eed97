import type { Project } from '../../../bake/config/project.js';
import type { BakeOptions, BakeResult } from '../../../bake/docker/bake.js';
import type { VerifyOptions, VerifyResult } from '../../../bake/verify/verify.js';
import type { ReleaseOptions } from '../../../simulate/release/release.js';
import type { RollbackOptions, RollbackResult } from '../../../simulate/release/rollback.js';
import type { EnvironmentStatus, HistoryEntry } from '../../../simulate/release/status.js';
import type { ReleaseSummary } from '../../../simulate/release/summary.js';

/** The engine calls the UI makes. The real one imports each module on first use, so the first frame waits for none of them. */
export interface UiEngine {
  bake(project: Project, options: BakeOptions): Promise<BakeResult>;
  verify(project: Project, options: VerifyOptions): Promise<VerifyResult>;
  release(project: Project, options: ReleaseOptions): Promise<ReleaseSummary>;
  rollback(project: Project, options: RollbackOptions): Promise<RollbackResult>;
  status(project: Project, env: string): Promise<EnvironmentStatus>;
  history(project: Project, env: string): Promise<HistoryEntry[]>;
  /** The twelve step names, in order, shown pending before the release reaches them. */
  stepNames(): Promise<string[]>;
}

export const realEngine: UiEngine = {
  bake: async (project, options) => (await import('../../../bake/docker/bake.js')).bakeDocker(project, options),
  verify: async (project, options) => (await import('../../../bake/verify/verify.js')).verifyImage(project, options),
  release: async (project, options) => (await import('../../../simulate/release/release.js')).release(project, options),
  rollback: async (project, options) => (await import('../../../simulate/release/rollback.js')).rollback(project, options),
  status: async (project, env) => (await import('../../../simulate/release/status.js')).environmentStatus(project, env),
  history: async (project, env) => (await import('../../../simulate/release/status.js')).releaseHistory(project, env),
  stepNames: async () => (await import('../../../simulate/release/steps/index.js')).STEPS.map((step) => step.name),
};
