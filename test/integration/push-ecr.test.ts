import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeDocker } from '../../bake/docker/bake.js';
import { UserError } from '../../bake/errors.js';
import { pushImage } from '../../bake/push/push.js';
import { verifyImage } from '../../bake/verify/verify.js';
import { exampleCopy, load, recorder } from './fixtures.js';

const MOTO = process.env.KILN_MOTO_ENDPOINT ?? 'http://127.0.0.1:5005';
const ecr = new ECRClient({ endpoint: MOTO, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/** On the aws targets the registry is ECR: kiln makes the repository, logs in, pushes, and ECR knows the digest. */
describe('kiln push --to ecr (against moto)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await exampleCopy('kiln-ecr-'));
  });
  afterAll(() => cleanup());

  it('refuses an unverified image before asking ECR for anything', async () => {
    await appendFile(join(dir, 'src', 'server.mjs'), `\n// ${randomUUID()}\n`);
    await bakeDocker(await load(dir), { emit: recorder().emit });
    const error = await pushImage(await load(dir), { to: 'ecr', aws: 'moto', emit: recorder().emit }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('has not passed kiln verify');
  });

  it('creates the repository when missing, pushes a verified image, and ECR lists its digest and tags', async () => {
    const project = await load(dir);
    const baked = await bakeDocker(project, { emit: recorder().emit });
    await verifyImage(project, { image: baked.image, emit: recorder().emit });
    const result = await pushImage(project, { to: 'ecr', aws: 'moto', emit: recorder().emit });
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const repositories = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['kiln/hello'] }));
    expect(repositories.repositories?.[0]?.repositoryName).toBe('kiln/hello');
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: 'kiln/hello' }));
    const pushed = images.imageDetails?.find((detail) => detail.imageDigest === result.digest);
    expect(pushed?.imageTags).toContain(baked.recipeDigest.slice(7, 19));
  });
});
