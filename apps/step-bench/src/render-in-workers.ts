import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SynthTubesConfig } from '@tubekit/datasets';

/** A message to a render worker: render this video. */
export interface RenderRequest {
  video: string;
}

/** A render worker's answer: the video's 8-bit frames, or why it failed. */
export type RenderReply =
  | { video: string; rgb: Uint8Array; flow: Uint8Array }
  | { video: string; error: string };

const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
const entry = join(dirname(here), 'render-worker-boot.mjs');

/**
 * Renders `videos` of the SynthTubes dataset `config` (RGB and flow, `size`×`size`, 8-bit) in
 * `workers` worker threads that take videos from one queue, calling `onVideo` with each video's
 * frames as it arrives (in completion order). Each worker builds the dataset's scene scripts
 * once (about a second for `quick-v2`); the frames are transferred, not copied. A worker that
 * fails rejects with the video's name.
 */
export async function renderInWorkers(
  config: SynthTubesConfig,
  videos: readonly string[],
  size: number,
  workers: number,
  onVideo: (video: string, rgb: Uint8Array, flow: Uint8Array) => void,
): Promise<void> {
  const queue = [...videos];
  const runOne = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(entry, { workerData: { config, size } });
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        void worker.terminate();
        if (!error) return resolve();
        queue.length = 0;
        reject(error);
      };
      const next = () => {
        const video = queue.shift();
        if (video === undefined) finish();
        else worker.postMessage({ video } satisfies RenderRequest);
      };
      worker.on('online', next);
      worker.on('message', (reply: RenderReply) => {
        if ('error' in reply) finish(new Error(`render worker: ${reply.video}: ${reply.error}`));
        else {
          onVideo(reply.video, reply.rgb, reply.flow);
          next();
        }
      });
      worker.on('error', finish);
      worker.on('exit', (code) => finish(new Error(`render worker exited (code ${code}) early`)));
    });
  await Promise.all(Array.from({ length: Math.min(workers, videos.length) }, runOne));
}
