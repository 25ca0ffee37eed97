import { stripVTControlCharacters } from 'node:util';

/** The first 12 hex digits of a digest, as kiln prints them everywhere. */
export function shortDigest(digest: string | null | undefined): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';
}

// Build output carries colors, carriage returns and tabs; in a one-row cell they would break the layout.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** One line of program output made safe for a single terminal row. */
export function cleanLine(line: string): string {
  return stripVTControlCharacters(line).replace(/\t/g, '  ').replace(CONTROL, '');
}
