import { randomBytes } from 'node:crypto';
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
 * Put a builder bundle too big for user-data in S3 under a key of its own (bakes of the same recipe in
 * two environments must not delete each other's), and presign a GET that lasts as long as the builder
 * may. The bucket is aws.staging_bucket, or kiln-staging-<account>-<region>, made on first use with a
 * rule that expires anything staged after a day, so a bake killed before its cleanup leaves nothing for long.
 */
export async function stageBundle(api: AwsApi, project: Project, bundle: BuilderBundle, seconds: number): Promise<StagedBundle> {
  const { Account: account } = await api.send<{ Account?: string }>(sts.whoami());
  const region = api.endpoint.region ?? (await api.region());
  const bucket = project.aws.staging_bucket ?? `kiln-staging-${account ?? 'unknown'}-${region}`;
  const key = `${STAGING_PREFIX}${project.project}/${bundle.sha256.slice(0, 16)}-${randomBytes(4).toString('hex')}.tgz`;
  const present = await api.send(s3.headBucket(bucket, account)).then(() => true, (error: unknown) => (isNotFound(error) ? false : Promise.reject(error)));
  if (!present) {
    await api.send(s3.createBucket(bucket, region));
    await api.send(s3.expireStaged(bucket, STAGING_PREFIX));
  }
  await api.send(s3.putObject(bucket, key, bundle.archive, bundle.sha256, account));
  return { bucket, key, url: await api.presignGet(bucket, key, seconds) };
}

export async function unstageBundle(api: AwsApi, staged: StagedBundle): Promise<void> {
  await api.send(s3.deleteObject(staged.bucket, staged.key)).catch(() => undefined);
}

function isNotFound(error: unknown): boolean {
  return /NotFound|NoSuchBucket|404/.test(`${AwsApi.code(error)} ${(error as Error).message}`);
}
