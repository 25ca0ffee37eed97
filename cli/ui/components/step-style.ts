import type { StepStatus } from '../../../simulate/journal/record.js';

/** How each step state looks: its mark (the running one spins instead), its word and its color. */
export const STEP_STYLE: Record<StepStatus, { mark: string; word: string; color: string }> = {
  pending: { mark: '·', word: 'pending', color: 'gray' },
  running: { mark: '»', word: 'running', color: 'cyan' },
  done: { mark: '✓', word: 'done', color: 'green' },
  failed: { mark: '✗', word: 'failed', color: 'red' },
  skipped: { mark: '–', word: 'skipped', color: 'gray' },
  'rolled-back': { mark: '↺', word: 'rolled back', color: 'yellow' },
};
