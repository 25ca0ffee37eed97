import { join } from 'node:path';
import { bakeDocker } from '../../../bake/docker/bake.js';
import type { Step } from '../context.js';

/** 5. Image: bake the layered image from the export, labelled with the tag and commit. */
export const image: Step = {
  n: 5,
  name: 'image',
  async run(context) {
    const { record } = context;
    const result = await bakeDocker(await context.built(), {
      emit: context.emit, docker: context.docker, build: false, signal: context.signal,
      git: { commit: record.commit, dirty: false, tag: record.tag },
      stateDir: join(context.project.dir, '.kiln'),
    });
    record.image = { ref: result.image, id: result.imageId };
    record.recipeDigest = result.recipeDigest;
    record.bom = result.bom;
    record.layers = result.layers.map(({ name, digest, cached }) => ({ name, digest, cached }));
    const cached = result.layers.filter((layer) => layer.cached).length;
    return `${result.image} (${cached}/${result.layers.length} layers cached)`;
  },
};
