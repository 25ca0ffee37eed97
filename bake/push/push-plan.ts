import { readFile } from 'node:fs/promises';
import type { Project } from '../config/project.js';
import { UserError } from '../errors.js';
import { shortDigest } from '../recipe/digest.js';
import { verificationPath } from '../verify/verify.js';
import type { PushTarget } from './push-target.js';
import { pushRepository, type RegistryRef } from './registry-ref.js';

/** The part of `.kiln/verified/<id>.json` that push relies on. */
export interface VerificationRecord {
  imageId: string;
  role: string;
  passed: boolean;
  verifiedAt?: string;
}

/** Everything a push will do, decided before anything is sent; `kiln push --json` reports it. */
export interface PushPlan {
  source: { kind: PushTarget['kind']; name: string; ref: string };
  release?: { env: string; id: string };
  imageId: string;
  registry: string;
  repository: string;
  /** The recipe digest's tag first (it uploads the layers), then the release tag when there is one. */
  tags: string[];
  verification: { role: string; at: string | null } | null;
  /** Pushed without a passing verification record (--force). */
  forced: boolean;
  warning?: string;
}

/** The verification record kiln verify wrote for this image, when it passed; anything else reads as none. */
export async function readVerification(project: Project, imageId: string): Promise<VerificationRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(verificationPath(project, imageId), 'utf8')) as Partial<VerificationRecord>;
    if (record.passed !== true || record.imageId !== imageId || typeof record.role !== 'string') return undefined;
    return { imageId, role: record.role, passed: true, verifiedAt: record.verifiedAt };
  } catch {
    return undefined;
  }
}

/** Decide the push without side effects; refuses an unverified image unless forced. */
export function planPush(target: PushTarget, registry: RegistryRef, verification: VerificationRecord | undefined, force: boolean): PushPlan {
  const what = target.kind === 'release' ? `release ${target.name} (image ${target.ref})` : target.ref;
  if (!verification && !force) {
    throw new UserError(
      `${what} has not passed kiln verify, so kiln will not push it`,
      `verify it first: kiln verify ${target.ref} (or push it anyway with --force; the push is journaled as forced)`,
    );
  }
  const tags = [shortDigest(target.recipeDigest), ...(target.releaseTag ? [target.releaseTag] : [])];
  return {
    source: { kind: target.kind, name: target.name, ref: target.ref },
    ...(target.release ? { release: target.release } : {}),
    imageId: target.imageId,
    registry: registry.host,
    repository: pushRepository(registry, target.repository),
    tags: [...new Set(tags)],
    verification: verification ? { role: verification.role, at: verification.verifiedAt ?? null } : null,
    forced: !verification,
    ...(!verification ? { warning: `pushed ${what} without a passing kiln verify (--force)` } : {}),
  };
}
