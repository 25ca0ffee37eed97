import { Box } from 'ink';
import type { Activity, LogPaneState } from '../session/session-state.js';
import type { ViewSnapshot } from '../store/event-store.js';
import { LayerList } from './LayerList.js';
import { LogPane } from './LogPane.js';
import { PhaseList } from './PhaseList.js';
import { ResultLines, resultTexts } from './ResultLines.js';
import { StepList } from './StepList.js';

export interface ActivityViewProps {
  activity: Activity;
  view: ViewSnapshot;
  logPane: LogPaneState;
  height: number;
  width: number;
}

/** A running or finished action: steps (or phases) beside the layers, the result, and the log pane below. */
export function ActivityView({ activity, view, logPane, height, width }: ActivityViewProps) {
  const release = activity.kind === 'release';
  const leftWidth = Math.min(release ? 76 : 60, Math.max(30, Math.floor(width * 0.62)));
  // Every part gets an exact row count, so nothing is squeezed: the steps first, then the result, then the log.
  const topRows = 1 + Math.max(release ? view.steps.length : Math.max(1, view.phases.length), view.layers.length);
  const top = Math.min(topRows, height);
  const results = Math.min(activity.state === 'finished' ? resultTexts(activity).length : 0, height - top);
  const spacer = height - top - results > 1 ? 1 : 0;
  const logHeight = height - top - results - spacer;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Box height={top} overflow="hidden" flexShrink={0}>
        {release ? <StepList steps={view.steps} width={leftWidth} height={top} /> : <PhaseList phases={view.phases} width={leftWidth} height={top} />}
        <LayerList layers={view.layers} height={top} />
      </Box>
      {results > 0 ? <ResultLines activity={activity} rows={results} /> : null}
      {spacer ? <Box height={1} flexShrink={0} /> : null}
      <LogPane ring={view.log} end={view.logCount} height={logHeight} scroll={logPane.scroll} file={logPane.file} step={view.running} logPath={activity.logPath} />
    </Box>
  );
}
