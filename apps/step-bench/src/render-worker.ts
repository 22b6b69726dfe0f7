/**
 * Worker thread of {@link renderInWorkers}: builds the SynthTubes dataset of `workerData.config`
 * once, then answers each `{ video }` message with that video's 8-bit RGB and flow frames
 * (`SynthTubes.renderVideo` at `workerData.size`), transferring the buffers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSynthTubes, type SynthTubesConfig } from '@tubekit/datasets';
import type { RenderReply, RenderRequest } from './render-in-workers';

const { config, size } = workerData as { config: SynthTubesConfig; size: number };
const synth = createSynthTubes(config);
const byName = new Map(synth.dataset.videos.map((v) => [v.name, v]));
parentPort?.on('message', ({ video }: RenderRequest) => {
  try {
    const v = byName.get(video);
    if (!v) throw new Error(`no video named ${video} in ${config.name}`);
    const bytes = v.nframes * size * size * 3;
    const rgb = new Uint8Array(bytes);
    const flow = new Uint8Array(bytes);
    synth.renderVideo(video, { rgb, flow }, [size, size]);
    parentPort?.postMessage({ video, rgb, flow } satisfies RenderReply, [rgb.buffer, flow.buffer]);
  } catch (error) {
    parentPort?.postMessage({
      video,
      error: error instanceof Error ? error.message : String(error),
    } satisfies RenderReply);
  }
});
