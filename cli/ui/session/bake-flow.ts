import { shortDigest } from '../text/terminal-text.js';
import { formatSeconds } from '../text/time-text.js';
import { actionLogName, runActivity } from './run-activity.js';
import type { Session } from './session.js';

/** Bake the project's image; unchanged layers come from cache. */
export async function startBake(session: Session): Promise<void> {
  await runActivity(session, {
    kind: 'bake', title: 'bake', logName: actionLogName('bake'),
    run: (emit, signal) => session.engine.bake(session.project, { emit, signal }),
    describe: (result) => ({
      outcome: 'done',
      result: [`baked ${result.image} (recipe ${shortDigest(result.recipeDigest)}) in ${formatSeconds(result.seconds)}; ${result.layers.filter((layer) => layer.cached).length}/${result.layers.length} layers from cache`],
    }),
  });
}

/** Boot the latest bake with networking off and run its image tests. */
export async function startVerify(session: Session): Promise<void> {
  await runActivity(session, {
    kind: 'verify', title: 'verify', logName: actionLogName('verify'),
    run: (emit, signal) => session.engine.verify(session.project, { emit, signal }),
    describe: (result) => ({
      outcome: 'done',
      result: [`verified ${result.image} as ${result.role}: healthy ${formatSeconds(result.bootSeconds)} after boot with the network off, ${result.tests.length} image tests passed`],
    }),
  });
}
