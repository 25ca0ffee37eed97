import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../bake/config/load.js';
import { UserError } from '../../bake/errors.js';
import { parseFaults } from '../../simulate/release/faults.js';
import type { GlobalOptions } from '../global-options.js';
import { whyNoUi } from '../ui/can-start-ui.js';

interface UiFlags {
  env: string;
  inject: string[];
  yes?: boolean;
}

export async function run(_args: string[], flags: UiFlags, global: GlobalOptions): Promise<number> {
  const why = whyNoUi(global);
  if (why) throw new UserError(`the interactive UI does not start here: ${why}`, 'run a command instead; kiln --help lists them (kiln status, kiln release --yes, …)');
  const faults = parseFaults(flags.inject);
  // ink and React load here and nowhere else, so --help, --version and every other command never pay for them.
  const [project, { startUi }] = await Promise.all([loadProject(global.project), withProductionReact(loadUi)]);
  return startUi(project, { env: flags.env, yes: Boolean(flags.yes), faults });
}

type UiModule = typeof import('../ui/start-ui.js');

/** The bundled UI (npm run build makes it: one file instead of ~300 modules) when present, else the modules themselves. */
async function loadUi(): Promise<UiModule> {
  const bundle = new URL('../ui/start-ui.bundle.js', import.meta.url);
  return existsSync(fileURLToPath(bundle)) ? ((await import(bundle.href)) as UiModule) : import('../ui/start-ui.js');
}

/**
 * React picks its build from NODE_ENV when first loaded; the production one starts and renders faster.
 * NODE_ENV is put back at once, so the user's build and test commands never see it changed.
 */
async function withProductionReact<T>(load: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV ??= 'production';
  try {
    return await load();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
  }
}
