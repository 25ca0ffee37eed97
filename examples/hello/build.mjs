// Build the artifact kiln bakes into the app layer: dist/ with the code and a version stamp.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
cpSync('src', 'dist', { recursive: true });
// Deterministic on purpose: the same source must give the same app-layer digest.
writeFileSync('dist/version.json', `${JSON.stringify({ version })}\n`);
console.log(`built hello ${version} into dist/`);
