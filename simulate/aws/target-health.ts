/** What DescribeTargetHealth says of one target. */
export interface TargetHealthEntry {
  Target?: { Id?: string };
  TargetHealth?: { State?: string; Reason?: string; Description?: string };
}

export interface TargetState {
  state: string;
  reason?: string;
  description?: string;
}

/** Instance id → its state, reason and description, from DescribeTargetHealth answers. */
export function targetStates(entries: readonly TargetHealthEntry[]): Map<string, TargetState> {
  return new Map(entries.filter((entry) => entry.Target?.Id).map((entry) => [entry.Target!.Id!, { state: entry.TargetHealth?.State ?? 'unknown', reason: entry.TargetHealth?.Reason, description: entry.TargetHealth?.Description }]));
}

export function allHealthy(ids: readonly string[], states: ReadonlyMap<string, TargetState>): boolean {
  return ids.every((id) => states.get(id)?.state === 'healthy');
}

/** Each target not healthy yet, with AWS's own reason (e.g. `unused (Target.NotInUse: …)`): why a wait ran out. */
export function unhealthySummary(ids: readonly string[], states: ReadonlyMap<string, TargetState>): string {
  return ids.filter((id) => states.get(id)?.state !== 'healthy').map((id) => {
    const state = states.get(id);
    if (!state) return `${id} not registered in its target group`;
    const why = [state.reason, state.description].filter(Boolean).join(': ');
    return `${id} ${state.state}${why ? ` (${why})` : ''}`;
  }).join('; ');
}

// Registering a target takes tens of seconds (longer on a new ALB), then 2 checks 5 s apart must pass: two minutes covers it.
export const ALB_HEALTH_FLOOR_SECONDS = 120;

/** How long cutover waits for a real ALB's checks: release.timeout, but never less than the ALB can possibly answer in. */
export function albHealthWaitSeconds(releaseTimeout: number): number {
  return Math.max(releaseTimeout, ALB_HEALTH_FLOOR_SECONDS);
}
