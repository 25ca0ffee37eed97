import type { Project } from '../../bake/config/project.js';
import { renderLayers } from '../../bake/recipe/recipe.js';
import type { ReleaseRecord } from '../journal/record.js';

type Recipe = NonNullable<ReleaseRecord['recipe']>;

/** The rendered scripts of each layer, beside its digest, as the journal keeps them. */
export async function renderedLayers(project: Project, digests: readonly { name: string; digest: string }[]): Promise<Recipe['layers']> {
  const rendered = await renderLayers(project, { withInputs: false });
  return rendered.map((layer) => ({
    name: layer.name,
    digest: digests.find((entry) => entry.name === layer.name)?.digest ?? '',
    scripts: layer.scripts.map((script) => ({ origin: script.template.origin, text: script.text })),
  }));
}

/** Which layers differ, and for scripts which lines: what a refused promotion prints. */
export function recipeDifference(before: Recipe | undefined, after: Recipe | undefined): string {
  if (!before || !after) return '  (the rehearsal kept no rendered scripts to compare)';
  const lines: string[] = [];
  for (const layer of after.layers) {
    const old = before.layers.find((entry) => entry.name === layer.name);
    if (old?.digest === layer.digest) continue;
    lines.push(`  layer ${layer.name}: ${old?.digest.slice(7, 19) ?? 'none'} → ${layer.digest.slice(7, 19)}`);
    const oldText = old?.scripts.map((script) => script.text).join('\n') ?? '';
    const newText = layer.scripts.map((script) => script.text).join('\n');
    if (oldText === newText) {
      lines.push('    scripts identical: its inputs or a lower layer changed');
      continue;
    }
    const oldLines = oldText.split('\n');
    const newLines = newText.split('\n');
    for (const line of oldLines.filter((candidate) => !newLines.includes(candidate))) lines.push(`    - ${line}`);
    for (const line of newLines.filter((candidate) => !oldLines.includes(candidate))) lines.push(`    + ${line}`);
  }
  return lines.join('\n') || '  (no layer differs: the base changed)';
}
