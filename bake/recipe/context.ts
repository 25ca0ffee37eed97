import type { Project } from '../config/project.js';

/** Where a layer's inputs appear inside the builder container. */
export const INPUTS_DIR = '/kiln/inputs';

/** The values every template sees. Optional fields are present as null so strict mode can tell "unset" from "misspelt". */
export function templateContext(project: Project, layer: string): Record<string, unknown> {
  return {
    project: project.project,
    layer,
    vars: project.vars,
    inputs: INPUTS_DIR,
    os: { source: project.os.source, image: project.os.image ?? null, bootstrap: project.os.bootstrap ?? null },
    packages: { apt: project.packages.apt },
    app: { artifact: `${INPUTS_DIR}/artifact`, install_dir: project.app.install_dir },
  };
}

/** The configure templates additionally see their role. */
export function configureContext(project: Project, roleName: string): Record<string, unknown> {
  const role = project.roles[roleName]!;
  return {
    ...templateContext(project, 'configure'),
    role: { name: roleName, command: role.command, port: role.port ?? null, health: role.health ?? null, count: role.count },
  };
}
