import { loadProject } from '../../bake/config/load.js';
import type { BomDiff } from '../../bake/bom/diff-boms.js';
import { diffReleases } from '../../simulate/release/diff.js';
import type { GlobalOptions } from '../global-options.js';
import { printResult } from '../output.js';

export async function run(args: string[], flags: { env: string }, global: GlobalOptions): Promise<number> {
  const result = await diffReleases(await loadProject(global.project), flags.env, args[0]!, args[1]!);
  printResult(global, result, () => [`${result.from} → ${result.to}`, ...text(result.diff)].join('\n'));
  return 0;
}

function text(diff: BomDiff): string[] {
  const lines: string[] = [];
  const section = (title: string, entries: string[]) => {
    if (entries.length) lines.push(title, ...entries.map((entry) => `  ${entry}`));
  };
  section('packages added:', diff.packages.added.map((entry) => `+ ${entry.name} ${entry.version}`));
  section('packages removed:', diff.packages.removed.map((entry) => `- ${entry.name} ${entry.version}`));
  section('packages upgraded:', diff.packages.changed.map((entry) => `~ ${entry.name} ${entry.from} → ${entry.to}`));
  section('app files:', [...diff.appFiles.added.map((path) => `+ ${path}`), ...diff.appFiles.removed.map((path) => `- ${path}`), ...diff.appFiles.changed.map((path) => `~ ${path}`)]);
  section('app dependencies:', [...diff.dependencies.added.map((dep) => `+ ${dep}`), ...diff.dependencies.removed.map((dep) => `- ${dep}`), ...diff.dependencies.changed.map((dep) => `~ ${dep}`)]);
  lines.push('layers:', ...diff.layers.map((layer) => `  ${layer.name.padEnd(9)} ${layer.changed ? `${(layer.from ?? 'none').slice(7, 19)} → ${(layer.to ?? 'none').slice(7, 19)}` : `unchanged ${(layer.to ?? '').slice(7, 19)}`}`));
  return lines;
}
