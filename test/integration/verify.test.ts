import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeDocker } from '../../bake/docker/bake.js';
import { ExternalError } from '../../bake/errors.js';
import { verifyImage, verificationPath } from '../../bake/verify/verify.js';
import { existsSync } from 'node:fs';
import { exampleCopy, leftovers, load, recorder } from './fixtures.js';

describe('kiln verify', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let image: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await exampleCopy());
    image = (await bakeDocker(await load(dir), { emit: recorder().emit })).image;
  });
  afterAll(() => cleanup());

  it('boots the example with the network off, configures it from metadata and passes the image tests', async () => {
    const { emit, events } = recorder();
    const result = await verifyImage(await load(dir), { image, emit });
    expect(result.network).toBe('none');
    expect(result.role).toBe('web');
    expect(result.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(result.tests.map((test) => test.name)).toEqual(['version answers', 'app is installed']);
    expect(result.bootSeconds).toBeGreaterThan(0);
    // The app saw the metadata the configure script read: it logs its instance id.
    expect(events.some((event) => event.type === 'log' && event.line.includes(`as ${result.instanceId}`))).toBe(true);
    expect(existsSync(verificationPath(await load(dir), result.imageId))).toBe(true);
    expect((await leftovers()).containers.filter((name) => name.includes('verify'))).toEqual([]);
  });

  it('verifies a role without a port by keeping it running', async () => {
    const result = await verifyImage(await load(dir), { image, role: 'worker', emit: recorder().emit });
    expect(result.role).toBe('worker');
    expect(result.tests).toEqual([]);
  });

  it('fails a configure script that reaches for the network at boot, naming the command', async () => {
    await mkdir(join(dir, 'templates', 'configure'), { recursive: true });
    await writeFile(join(dir, 'templates', 'configure', 'service.sh.hbs'), 'echo "configuring"\napt-get install -y curl\necho done\n');
    const before = await leftovers();
    const failure = await verifyImage(await load(dir), { image, emit: recorder().emit }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExternalError);
    expect((failure as Error).message).toContain('apt-get install -y curl');
    expect((failure as Error).message).toMatch(/network/);
    expect((await leftovers()).containers).toEqual(before.containers);
  });

  it('fails a configure script that would fetch even if the fetch is tolerated', async () => {
    await writeFile(join(dir, 'templates', 'configure', 'service.sh.hbs'), 'curl -fsS http://127.0.0.1:9/config || true\necho "PORT=8080" > /etc/kiln/env\n');
    const failure = await verifyImage(await load(dir), { image, emit: recorder().emit }).catch((error: unknown) => error);
    expect((failure as Error).message).toContain('curl -fsS http://127.0.0.1:9/config');
  });
});
