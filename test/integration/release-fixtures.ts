import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { destroyEnvironment } from '../../simulate/release/destroy.js';
import { release, type ReleaseOptions } from '../../simulate/release/release.js';
import type { Fault } from '../../simulate/release/faults.js';
import { commitAll, docker, exampleCopy, load, recorder } from './fixtures.js';

/** A committed copy of the example whose load balancer takes any free port, released into its own environment. */
export async function releaseProject(env: string) {
  const copy = await exampleCopy(`kiln-${env}-`);
  await edit(copy.dir, 'kiln.yaml', (text) => text.replace(/port: 8480 .*/, 'port: 0'));
  await commitAll(copy.dir, 'release on any free port');
  return {
    dir: copy.dir,
    env,
    project: () => load(copy.dir),
    release: async (options: { faults?: Fault[]; keepOld?: boolean; emit?: ReleaseOptions['emit'] } = {}) =>
      release(await load(copy.dir), { env, emit: options.emit ?? recorder().emit, signal: new AbortController().signal, faults: options.faults, keepOld: options.keepOld }),
    cleanup: async () => {
      await destroyEnvironment(await load(copy.dir), env).catch(() => {});
      await copy.cleanup();
    },
  };
}

export async function edit(dir: string, file: string, change: (text: string) => string): Promise<void> {
  await writeFile(join(dir, file), change(await readFile(join(dir, file), 'utf8')));
}

/** Commit a new app version: package.json's version is what /version reports. */
export async function commitVersion(dir: string, version: string, extra: (dir: string) => Promise<void> = async () => {}): Promise<void> {
  await edit(dir, 'package.json', (text) => text.replace(/"version": "[^"]+"/, `"version": "${version}"`));
  await edit(dir, 'kiln.yaml', (text) => text.replace(/contains: '"version":"[^"]+"'/, `contains: '"version":"${version}"'`));
  await extra(dir);
  await commitAll(dir, `version ${version}`);
}

/** The version the load balancer serves right now. */
export async function servedVersion(url: string): Promise<string> {
  const response = await fetch(`${url}/version`);
  return ((await response.json()) as { version: string }).version;
}

/** Containers of one release still present, running or not. */
export async function containersOf(env: string, releaseId: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`kiln.env=${env}`, `kiln.release=${releaseId}`] } });
  return found.map((container) => container.Names[0]!);
}
