import { join } from 'node:path';
import type { Step } from '../context.js';
import { UserError } from '../../../bake/errors.js';
import { recipeDifference, renderedLayers } from '../recipe-difference.js';

/** 5. Image: bake the layered image from the export, labelled with the tag and commit. */
export const image: Step = {
  n: 5,
  name: 'image',
  async run(context) {
    const { record } = context;
    const hangBuilder = context.faults.includes('builder:hang');
    if (hangBuilder && context.target.kind === 'local') context.emit({ type: 'notice', level: 'warn', message: 'fault builder:hang rehearses an AMI builder; the local target bakes none, so it has no effect here' });
    const result = await context.target.bake(await context.built(), {
      emit: context.emit, signal: context.signal,
      git: { commit: record.commit, dirty: false, tag: record.tag },
      stateDir: join(context.project.dir, '.kiln'),
      hangBuilder,
    });
    record.image = { ref: result.ref, id: result.id };
    record.recipeDigest = result.recipeDigest;
    record.bom = result.bom;
    record.recipe = { layers: await renderedLayers(await context.built(), result.layers) };
    await context.save();
    if (record.promotedFrom && record.promotedFrom.recipeDigest !== result.recipeDigest) {
      throw new UserError(`the recipe baked for ${context.target.kind} (${result.recipeDigest.slice(7, 19)}) is not the one rehearsed (${record.promotedFrom.recipeDigest.slice(7, 19)}):\n${recipeDifference(record.promotedFrom.recipe, record.recipe)}`, 'what ships must be what was rehearsed: rehearse this tag again, then promote that release');
    }
    record.layers = result.layers;
    const cached = result.layers.filter((layer) => layer.cached).length;
    return `${result.ref} (${cached}/${result.layers.length} layers cached)`;
  },
};
