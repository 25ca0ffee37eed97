import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UserError } from '../errors.js';
import { SHIPPED_TEMPLATES } from '../kiln-root.js';

/** A template's source and where it came from. */
export interface TemplateSource {
  /** The name kiln.yaml used, e.g. app/install. */
  name: string;
  /** A machine-independent label for messages and digests: project-relative, or kiln:templates/... */
  origin: string;
  /** Absolute path, for reading. */
  path: string;
  text: string;
}

export const TEMPLATE_EXTENSION = '.sh.hbs';

/** Resolve a template name: the project's templates/ first, so users can override what kiln ships. */
export async function locateTemplate(projectDir: string, name: string, field: string): Promise<TemplateSource> {
  const file = name.endsWith('.hbs') ? name : `${name}${TEMPLATE_EXTENSION}`;
  const candidates = [
    { path: join(projectDir, 'templates', file), origin: `templates/${file}` },
    { path: join(projectDir, file), origin: file },
    { path: join(SHIPPED_TEMPLATES, file), origin: `kiln:templates/${file}` },
  ];
  const found = candidates.find((candidate) => !candidate.path.includes('..') && existsSync(candidate.path));
  if (!found || name.split('/').includes('..')) {
    throw new UserError(
      `${field}: template ${JSON.stringify(name)} not found`,
      `looked in ${candidates.map((candidate) => relative(projectDir, candidate.path)).join(', ')}; kiln ships: os/debian, packages/apt, app/install, configure/service`,
    );
  }
  return { name, origin: found.origin, path: found.path, text: await readFile(found.path, 'utf8') };
}
