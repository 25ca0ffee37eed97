import type { KilnEvent } from '../../../bake/events.js';
import type { StepStatus } from '../../../simulate/journal/record.js';

/** One release step as the UI shows it; `startedAt` is on the store's clock (ms). */
export interface StepView {
  n: number;
  name: string;
  state: StepStatus;
  seconds?: number;
  startedAt?: number;
  detail?: string;
}

export interface LayerView {
  layer: string;
  digest: string;
  status: Extract<KilnEvent, { type: 'layer' }>['status'];
  seconds?: number;
}

export interface PhaseView {
  phase: string;
  status: Extract<KilnEvent, { type: 'phase' }>['status'];
  seconds?: number;
  startedAt?: number;
  detail?: string;
}

/** What the engine's events have said so far about the current activity. */
export interface ViewState {
  steps: StepView[];
  layers: LayerView[];
  phases: PhaseView[];
  release?: { release: string; status: Extract<KilnEvent, { type: 'release' }>['status']; url?: string };
  /** The step now running, whose output the log pane is streaming. */
  running?: { n: number; name: string };
  /** Every log pane entry seen (the store counts them), including those the ring no longer holds. */
  logCount: number;
}

export function emptyViewState(stepNames: readonly string[] = []): ViewState {
  return { steps: stepNames.map((name, index) => ({ n: index + 1, name, state: 'pending' })), layers: [], phases: [], logCount: 0 };
}

/** Fold one event into the state, in place (the store copies it when it publishes). Log lines live in the store's ring. */
export function applyEvent(state: ViewState, event: KilnEvent, now: number): void {
  switch (event.type) {
    case 'log':
    case 'notice':
      return;
    case 'step': {
      let step = state.steps.find((candidate) => candidate.n === event.n);
      if (!step) {
        step = { n: event.n, name: event.name, state: 'pending' };
        state.steps.push(step);
        state.steps.sort((a, b) => a.n - b.n);
      }
      step.state = event.status;
      if (event.status === 'running') {
        step.startedAt = now;
        step.seconds = undefined;
        step.detail = undefined;
        state.running = { n: event.n, name: event.name };
        return;
      }
      if (event.seconds !== undefined) step.seconds = event.seconds;
      if (event.detail !== undefined) step.detail = event.detail;
      if (state.running?.n === event.n) state.running = undefined;
      return;
    }
    case 'layer': {
      const layer = state.layers.find((candidate) => candidate.layer === event.layer);
      if (layer) Object.assign(layer, { digest: event.digest, status: event.status, seconds: event.seconds });
      else state.layers.push({ layer: event.layer, digest: event.digest, status: event.status, seconds: event.seconds });
      return;
    }
    case 'phase': {
      const phase = state.phases.find((candidate) => candidate.phase === event.phase);
      const next: PhaseView = { phase: event.phase, status: event.status, seconds: event.seconds, detail: event.detail, startedAt: event.status === 'start' ? now : phase?.startedAt };
      if (phase) Object.assign(phase, next);
      else state.phases.push(next);
      return;
    }
    case 'release':
      state.release = { release: event.release, status: event.status, url: event.url ?? state.release?.url };
      return;
  }
}

/** A copy the React side can keep while the store goes on mutating its own. */
export function copyViewState(state: ViewState): ViewState {
  return {
    ...state,
    steps: state.steps.map((step) => ({ ...step })),
    layers: state.layers.map((layer) => ({ ...layer })),
    phases: state.phases.map((phase) => ({ ...phase })),
    release: state.release && { ...state.release },
    running: state.running && { ...state.running },
  };
}
