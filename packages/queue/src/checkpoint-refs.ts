import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import type { BlobRef } from './blob-store';

/**
 * Where each job's last stored training checkpoint is recorded (`JobContext.keepCheckpoint`): the
 * Redis key `tubekit:checkpoint:<job id>` on a queue, or `<store>/<job id>/checkpoint.ref.json`
 * in the local pool's store folder.
 */
export interface CheckpointRefs {
  get(jobId: string): Promise<BlobRef | undefined>;
  set(jobId: string, ref: BlobRef): Promise<void>;
}

/** The checkpoint records in Redis when given, else in the folder `dir`. */
export function checkpointRefs(redis: Redis | undefined, dir?: string): CheckpointRefs {
  if (redis)
    return {
      async get(jobId) {
        const stored = await redis.get(`tubekit:checkpoint:${jobId}`);
        return stored ? (JSON.parse(stored) as BlobRef) : undefined;
      },
      async set(jobId, ref) {
        await redis.set(`tubekit:checkpoint:${jobId}`, JSON.stringify(ref));
      },
    };
  if (dir === undefined) throw new Error('checkpoint records without Redis need a folder');
  const file = (jobId: string) => join(resolve(dir), jobId, 'checkpoint.ref.json');
  return {
    async get(jobId) {
      const path = file(jobId);
      return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as BlobRef) : undefined;
    },
    async set(jobId, ref) {
      const path = file(jobId);
      await mkdir(join(resolve(dir), jobId), { recursive: true });
      await writeFile(`${path}.${process.pid}.tmp`, JSON.stringify(ref));
      await rename(`${path}.${process.pid}.tmp`, path);
    },
  };
}
