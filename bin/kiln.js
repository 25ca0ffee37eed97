#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm install runs the build through `prepare`).
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
  console.error('kiln: dist/ is missing; run `npm install` (or `npm run build`) in the kiln directory first');
  process.exit(2);
}
await import('../dist/cli/main.js');
