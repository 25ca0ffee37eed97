import type { Outcome, ReleaseRecord } from '../journal/record.js';

/** What `kiln release --json` prints last, and what the CLI renders. */
export interface ReleaseSummary {
  release: string;
  outcome: Outcome;
  url: string | null;
  tag: string;
  commit: string;
  image: string | null;
  recipeDigest: string | null;
  steps: { n: number; name: string; status: string; seconds: number | null; detail: string | null }[];
  seconds: number;
  error: string | null;
}

export function summarize(record: ReleaseRecord, url: string | null): ReleaseSummary {
  return {
    release: record.id,
    outcome: record.outcome,
    url,
    tag: record.tag,
    commit: record.commit,
    image: record.image?.ref ?? null,
    recipeDigest: record.recipeDigest ?? null,
    steps: record.steps.map((step) => ({ n: step.n, name: step.name, status: step.status, seconds: step.seconds ?? null, detail: step.detail ?? null })),
    seconds: Math.round(record.steps.reduce((total, step) => total + (step.seconds ?? 0), 0) * 100) / 100,
    error: record.error ?? null,
  };
}
