import type { LayerName, Project } from '../config/project.js';
import { UserError } from '../errors.js';
import { locateTemplate } from '../template/locate.js';
import { renderScript, type RenderedScript } from '../template/render.js';
import { configureContext, templateContext } from './context.js';
import { layerDigest, recipeDigest } from './digest.js';
import { collectInputs, type InputFile } from './inputs.js';

/** A layer before its place in the chain is known: scripts and inputs only. */
export interface RenderedLayer {
  name: LayerName;
  scripts: RenderedScript[];
  inputs: InputFile[];
}

/** A layer with its digest, ready to bake. */
export interface RecipeLayer extends RenderedLayer {
  parent: string;
  digest: string;
}

export interface Recipe {
  /** The digest of the base the OS layer starts from (an image id, or a bootstrap spec). */
  base: string;
  layers: RecipeLayer[];
  digest: string;
}

/** Shell function every configure script gets, so templates read metadata without knowing where it lives. */
export const CONFIGURE_PRELUDE = [
  'kiln_meta() { cat "${KILN_META:-/run/kiln/meta-data}/$1"; }',
  'kiln_secret() { cat "${KILN_SECRETS:-/run/kiln/secrets}/$1"; }',
];

/** Render the three layer scripts and collect their inputs; needs no Docker. */
export async function renderLayers(project: Project, options: { withInputs?: boolean } = {}): Promise<RenderedLayer[]> {
  const withInputs = options.withInputs ?? true;
  const render = async (name: LayerName, templates: { name: string; field: string }[]) =>
    Promise.all(
      templates.map(async ({ name: template, field }) => {
        const source = await locateTemplate(project.dir, template, field);
        return renderScript(source, templateContext(project, name), [], { declared: project.secrets, allowed: false });
      }),
    );
  const files = async (paths: string[], field: string) =>
    (await Promise.all(paths.map((path, index) => collectInputs(project.dir, path, `files/${path}`, `${field}[${index}]`)))).flat();

  return [
    {
      name: 'os',
      scripts: await render('os', [{ name: project.os.template, field: 'os.template' }]),
      inputs: withInputs ? await files(project.os.files, 'os.files') : [],
    },
    {
      name: 'packages',
      scripts: await render('packages', [
        { name: project.packages.template, field: 'packages.template' },
        ...project.packages.scripts.map((name, index) => ({ name, field: `packages.scripts[${index}]` })),
      ]),
      inputs: withInputs ? await files(project.packages.files, 'packages.files') : [],
    },
    {
      name: 'app',
      scripts: await render('app', [{ name: project.app.template, field: 'app.template' }]),
      inputs: withInputs ? await collectInputs(project.dir, project.app.artifact, 'artifact', 'app.artifact') : [],
    },
  ];
}

/** Chain rendered layers onto a base: each digest covers its parent, so a change ripples upward only. */
export function chainRecipe(base: string, rendered: RenderedLayer[]): Recipe {
  let parent = base;
  const layers = rendered.map((layer) => {
    const digest = layerDigest(parent, layer.scripts.map((script) => script.text), layer.inputs);
    const chained = { ...layer, parent, digest };
    parent = digest;
    return chained;
  });
  return { base, layers, digest: recipeDigest(layers) };
}

/** Render the configure script a role's instances run at boot. */
export async function renderConfigure(project: Project, roleName: string): Promise<RenderedScript> {
  const role = project.roles[roleName];
  if (!role) throw new UserError(`no role named ${JSON.stringify(roleName)}`, `roles in ${project.file}: ${Object.keys(project.roles).join(', ')}`);
  const source = await locateTemplate(project.dir, role.configure, `roles.${roleName}.configure`);
  return renderScript(source, configureContext(project, roleName), CONFIGURE_PRELUDE, { declared: project.secrets, allowed: true });
}
