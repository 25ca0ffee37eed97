import type { Project } from '../../bake/config/project.js';
import type { Emit } from '../../bake/events.js';
import type { Journal } from '../journal/journal.js';
import type { ReleaseRecord } from '../journal/record.js';
import type { Target } from '../targets/target.js';
import type { Fault } from './faults.js';

/** A question the engine asks a human; `--yes` (or a non-interactive run) answers yes. */
export interface Decision {
  kind: 'cutover';
  release: string;
  /** What the human should know: e.g. each new instance and its health. */
  facts: string[];
}

/** Everything a step may use. Steps keep their results in `record`, so a resumed release can continue. */
export interface ReleaseContext {
  project: Project;
  journal: Journal;
  record: ReleaseRecord;
  target: Target;
  emit: Emit;
  signal: AbortSignal;
  faults: readonly Fault[];
  decide: (decision: Decision) => Promise<boolean>;
  /** Keep the old stack running after cutover (step 12 is skipped). */
  keepOld: boolean;
  save(): Promise<void>;
  /** The project as exported from the release tag (step 3 makes it). */
  built(): Promise<Project>;
  /** Secret values for launches, read from the environment or secret files; never journaled. */
  secretValues(): Promise<ReadonlyMap<string, string>>;
}

/** One of the twelve steps. `cleanup` runs in reverse order after a failure, and must work from the journal alone. */
export interface Step {
  n: number;
  name: string;
  run(context: ReleaseContext): Promise<string | { skipped: string } | void>;
  cleanup?(context: ReleaseContext): Promise<void>;
}
