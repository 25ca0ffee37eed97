import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project } from './config/project.js';
import { renderConfigure, renderLayers } from './recipe/recipe.js';
import { writeFileAtomic } from './state/atomic-write.js';
import type { RenderedScript } from './template/render.js';

/** One rendered script and where it was written. */
export interface RenderedFile {
  kind: 'layer' | 'configure';
  name: string;
  file: string;
  script: RenderedScript;
}

/** Render every layer script and every role's configure script (no Docker, no inputs hashed). */
export async function renderAll(project: Project): Promise<Omit<RenderedFile, 'file'>[]> {
  const layers = await renderLayers(project, { withInputs: false });
  const roles = await Promise.all(Object.keys(project.roles).map(async (role) => ({ role, script: await renderConfigure(project, role) })));
  return [
    ...layers.flatMap((layer) => layer.scripts.map((script, index) => ({ kind: 'layer' as const, name: `${layer.name}/${String(index + 1).padStart(2, '0')}-${script.template.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.sh`, script }))),
    ...roles.map(({ role, script }) => ({ kind: 'configure' as const, name: `configure/${role}.sh`, script })),
  ];
}

/** Write the rendered scripts under `out`, replacing what an earlier render left there. */
export async function writeRendered(project: Project, out: string): Promise<RenderedFile[]> {
  const rendered = await renderAll(project);
  const root = join(project.dir, out);
  await rm(root, { recursive: true, force: true });
  return Promise.all(rendered.map(async (entry) => {
    const file = join(root, entry.name);
    await writeFileAtomic(file, entry.script.text);
    return { ...entry, file };
  }));
}
