import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Redis } from 'ioredis';

/** The largest file that goes through Redis (a checkpoint over it needs `--store <dir>`). */
export const REDIS_BLOB_LIMIT_BYTES = 64 * 1024 * 1024;

/** Where a stored file lies and what it holds; small JSON that travels in job results. */
export interface BlobRef {
  key: string;
  sha256: string;
  bytes: number;
  /** `redis`, or the `--store` folder of the worker (or local pool) that stored it. */
  where: string;
}

/**
 * Files (pretrained trunks, checkpoints) shared between workers: in a folder every worker sees
 * (`--store <dir>`, a shared path; the local pool's store folder) or in Redis itself (files up to
 * {@link REDIS_BLOB_LIMIT_BYTES}). Reads check the SHA-256 recorded when the file was stored.
 */
export interface BlobStore {
  put(key: string, file: string): Promise<BlobRef>;
  /** Copies a stored file to `file` (written to a temporary name, then renamed). */
  get(ref: BlobRef, file: string): Promise<void>;
}

const REDIS_PREFIX = 'tubekit:blob:';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function writeAtomic(file: string, data: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * The store of a worker: the folder `dir` when given (resolved to an absolute path), Redis
 * otherwise. Either can read what the other wrote, as long as the folder is reachable here. Without
 * Redis (`redis` undefined: the local pool) the folder is required.
 */
export function blobStore(redis: Redis | undefined, dir?: string): BlobStore {
  const folder = dir === undefined ? undefined : resolve(dir);
  if (!redis && !folder) throw new Error('a blob store without Redis needs a folder');
  const viaRedis = () => {
    if (!redis) throw new Error('this store has no Redis: stored files go to its folder');
    return redis;
  };
  return {
    async put(key, file) {
      const data = await readFile(file);
      const ref: BlobRef = { key, sha256: sha256(data), bytes: data.length, where: 'redis' };
      if (folder) {
        await writeAtomic(join(folder, key), data);
        return { ...ref, where: folder };
      }
      if (data.length > REDIS_BLOB_LIMIT_BYTES)
        throw new Error(
          `${file} is ${(data.length / 2 ** 20).toFixed(1)} MiB, over the ${REDIS_BLOB_LIMIT_BYTES / 2 ** 20} MiB that go through Redis; give the workers a shared --store <dir>`,
        );
      await viaRedis().set(`${REDIS_PREFIX}${key}`, data);
      return ref;
    },
    async get(ref, file) {
      let data: Buffer | null;
      if (ref.where === 'redis') data = await viaRedis().getBuffer(`${REDIS_PREFIX}${ref.key}`);
      else {
        const path = join(ref.where, ref.key);
        if (!existsSync(path))
          throw new Error(
            `stored file ${path} is not readable on this machine; give every worker the same shared --store folder`,
          );
        data = await readFile(path);
      }
      if (!data) throw new Error(`stored file ${ref.key} is gone from Redis`);
      if (sha256(data) !== ref.sha256)
        throw new Error(`stored file ${ref.key} does not match its recorded SHA-256`);
      await writeAtomic(file, data);
    },
  };
}
