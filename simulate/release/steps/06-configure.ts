import { newInstanceId } from '../../../bake/boot/metadata.js';
import { renderConfigure } from '../../../bake/recipe/recipe.js';
import type { LaunchSpec } from '../../journal/record.js';
import type { Step } from '../context.js';

const ZONES = ['local-1a', 'local-1b', 'local-1c'];

/** 6. Configure: one launch spec per instance, with its configure script and boot metadata fixed in the journal. */
export const configure: Step = {
  n: 6,
  name: 'configure',
  async run(context) {
    const { record } = context;
    const built = await context.built();
    await context.secretValues(); // a missing secret stops the release here, before anything is launched
    const specs: LaunchSpec[] = [];
    for (const [role, settings] of Object.entries(built.roles)) {
      const script = (await renderConfigure(built, role)).text;
      for (let index = 0; index < settings.count; index++) {
        const instanceId = newInstanceId();
        specs.push({
          instanceId, role, name: context.target.instanceName(role, instanceId), imageId: record.image!.id,
          configure: script, command: settings.command, port: settings.port, health: settings.health, zone: ZONES[specs.length % ZONES.length]!,
          secrets: built.secrets,
        });
      }
    }
    record.specs = specs;
    const counts = Object.entries(built.roles).map(([role, settings]) => `${role}×${settings.count}`);
    return `${specs.length} instances: ${counts.join(', ')}`;
  },
};
