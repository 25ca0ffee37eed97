import { UserError } from '../../bake/errors.js';

/** One target group of a listener's weighted forward. Weight 0: attached, so the ALB health-checks it, but sent no traffic. */
export interface WeightedGroup {
  arn: string;
  weight: number;
}

// An ALB forward action takes at most five target groups.
export const MAX_FORWARD_GROUPS = 5;

type ListenerAction = { Type?: string; TargetGroupArn?: string; ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[] } };

/** The groups a listener's default actions forward to, with their weights; a plain forward (older kiln, some emulators) is weight 1. */
export function forwardedGroups(actions: readonly ListenerAction[] | undefined): WeightedGroup[] {
  const forward = actions?.find((action) => action.Type === 'forward');
  const weighted = forward?.ForwardConfig?.TargetGroups?.filter((group) => group.TargetGroupArn);
  if (weighted?.length) return weighted.map((group) => ({ arn: group.TargetGroupArn!, weight: group.Weight ?? 1 }));
  return forward?.TargetGroupArn ? [{ arn: forward.TargetGroupArn, weight: 1 }] : [];
}

/** The group that takes the traffic: the heaviest with a weight above 0. */
export function servingGroup(groups: readonly WeightedGroup[]): string | undefined {
  return [...groups].filter((group) => group.weight > 0).sort((a, b) => b.weight - a.weight)[0]?.arn;
}

/** `arn` joins at weight 0 (checked, no traffic yet); on a listener forwarding nowhere it is all there is, so it serves. */
export function withStaged(groups: readonly WeightedGroup[], arn: string): WeightedGroup[] {
  if (groups.some((group) => group.arn === arn)) return [...groups];
  return bounded([...groups, { arn, weight: groups.some((group) => group.weight > 0) ? 0 : 1 }]);
}

/** `arn` takes all the traffic; the others stay attached at weight 0, still checked, so switching back is instant. */
export function switchedTo(groups: readonly WeightedGroup[], arn: string): WeightedGroup[] {
  const others = groups.filter((group) => group.arn !== arn).map((group) => ({ arn: group.arn, weight: 0 }));
  const kept = groups.some((group) => group.arn === arn) ? groups.map((group) => (group.arn === arn ? { arn, weight: 1 } : { arn: group.arn, weight: 0 })) : [...others, { arn, weight: 1 }];
  return bounded(kept);
}

/** The forward without `arn`: AWS refuses to delete a target group a listener still names, even at weight 0. */
export function withoutGroup(groups: readonly WeightedGroup[], arn: string): WeightedGroup[] {
  return groups.filter((group) => group.arn !== arn);
}

export function sameForward(a: readonly WeightedGroup[], b: readonly WeightedGroup[]): boolean {
  return a.length === b.length && a.every((group, index) => group.arn === b[index]!.arn && group.weight === b[index]!.weight);
}

function bounded(groups: WeightedGroup[]): WeightedGroup[] {
  if (groups.length > MAX_FORWARD_GROUPS) {
    throw new UserError(`the ALB listener would forward to ${groups.length} target groups; AWS allows ${MAX_FORWARD_GROUPS}`, 'shut down standby stacks first (kiln rollback without --keep, or a release without --keep-old)');
  }
  return groups;
}
