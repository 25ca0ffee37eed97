import type { Project } from '../../bake/config/project.js';
import { AwsApi } from './api.js';
import type { BuilderBundle } from './builder-bundle.js';
import { s3, sts } from './requests.js';

export const STAGING_PREFIX = 'kiln/';

/** A bundle put in S3 for one bake: where it is, and a URL the builder can GET without credentials. */
export interface StagedBundle {
  bucket: string;
  key: string;
  url: string;
}

/**
 * Put a builder bundle too big for user-data in S3, content-addressed (an unchanged bundle is not sent
 * again), and presign a GET that lasts as long as the builder may. The bucket is aws.staging_bucket, or
 * kiln-staging-<account>-<region>, made on first use with a rule that expires anything staged after a day,
 * so even a bake killed before its cleanup leaves nothing behind for long.
 */
export async function stageBundle(api: AwsApi, project: Project, bundle: BuilderBundle, seconds: number): Promise<StagedBundle> {
  const bucket = project.aws.staging_bucket ?? (await defaultBucket(api));
  const key = `${STAGING_PREFIX}${project.project}/${bundle.sha256}.tgz`;
  const present = await api.send(s3.headBucket(bucket)).then(() => true, (error: unknown) => (isNotFound(error) ? false : Promise.reject(error)));
  if (!present) {
    await api.send(s3.createBucket(bucket, api.endpoint.region));
    await api.send(s3.expireStaged(bucket, STAGING_PREFIX));
  }
  const staged = await api.send(s3.headObject(bucket, key)).then(() => true, (error: unknown) => (isNotFound(error) ? false : Promise.reject(error)));
  if (!staged) await api.send(s3.putObject(bucket, key, bundle.archive, bundle.sha256));
  return { bucket, key, url: await api.presignGet(bucket, key, seconds) };
}

export async function unstageBundle(api: AwsApi, staged: StagedBundle): Promise<void> {
  await api.send(s3.deleteObject(staged.bucket, staged.key)).catch(() => undefined);
}

async function defaultBucket(api: AwsApi): Promise<string> {
  const { Account } = await api.send<{ Account?: string }>(sts.whoami());
  return `kiln-staging-${Account ?? 'unknown'}-${api.endpoint.region ?? (await api.region())}`;
}

function isNotFound(error: unknown): boolean {
  return /NotFound|NoSuchKey|NoSuchBucket|404/.test(`${AwsApi.code(error)} ${(error as Error).message}`);
}
