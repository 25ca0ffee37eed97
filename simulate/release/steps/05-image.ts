import { join } from 'node:path';
import type { Step } from '../context.js';

/** 5. Image: bake the layered image from the export, labelled with the tag and commit. */
export const image: Step = {
  n: 5,
  name: 'image',
  async run(context) {
    const { record } = context;
    const result = await context.target.bake(await context.built(), {
      emit: context.emit, signal: context.signal,
      git: { commit: record.commit, dirty: false, tag: record.tag },
      stateDir: join(context.project.dir, '.kiln'),
    });
    record.image = { ref: result.ref, id: result.id };
    record.recipeDigest = result.recipeDigest;
    record.bom = result.bom;
    record.layers = result.layers;
    const cached = result.layers.filter((layer) => layer.cached).length;
    return `${result.ref} (${cached}/${result.layers.length} layers cached)`;
  },
};
