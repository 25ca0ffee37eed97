import { relative } from 'node:path';
import type { Project } from './project.js';

/** "kiln.yaml:12:3: aws.subnets": where a field sits, for errors found after the file validated. */
export function fieldAt(project: Pick<Project, 'file' | 'positionOf'>, field: string): string {
  const shown = relative(process.cwd(), project.file) || project.file;
  const position = project.positionOf(field);
  return position ? `${shown}:${position.line}:${position.col}: ${field}` : `${shown}: ${field}`;
}
