import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoAnnotation } from '@tubekit/datasets';
import { initBackend, tf } from '@tubekit/nn';
import type { BenchVideoSource } from './bench-data';
import { PROFILES, stepProfileOf } from './profiles';
import { trainingFrames } from './train-detector';
import { readTrainingMaps, writeTrainingMaps } from './training-maps-file';
import { partVideos } from './training-maps-parts';
import { freshStreamTrunks } from './trunks';

const profile = PROFILES.smoke;
const S = stepProfileOf(profile).frameSize;
const box = [2, 2, 20, 24];

/** Video i: 20 frames, one actor on frames 2…(11 + i), frames of value depending on i. */
function source(i: number): BenchVideoSource {
  const annotation: VideoAnnotation = {
    name: `plain/v${i}`,
    nframes: 20,
    width: S,
    height: S,
    tubes: [
      {
        label: i % 2,
        start: 2,
        boxes: Float64Array.from(
          Array(10 + i)
            .fill(box)
            .flat(),
        ),
      },
    ],
  };
  return {
    variant: 'plain',
    annotation,
    load: () => {
      const rgb = new Float32Array(20 * S * S * 3).map((_, k) => ((k * (i + 3)) % 11) / 11);
      return { variant: 'plain', annotation, rgb, flow: rgb.map((v) => 1 - v) };
    },
  };
}

describe('training maps files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcsc-maps-'));
  beforeAll(async () => {
    await initBackend({ log: () => undefined });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('splits videos by index modulo the parts', () => {
    expect(partVideos([...'abcde'], { part: 0, parts: 2 })).toEqual([0, 2, 4]);
    expect(partVideos([...'abcde'], { part: 1, parts: 2 })).toEqual([1, 3]);
    expect(() => partVideos([...'ab'], { part: 2, parts: 2 })).toThrow('part 2 of 2');
  });

  it('stores parts whose union reads back as the maps computed in one process, in list order', async () => {
    const trunks = freshStreamTrunks(profile);
    const train = [0, 1, 2].map(source);
    const whole = trainingFrames(profile, trunks, train);
    const paths = [0, 1].map((part) => join(dir, `part-${part}.safetensors`));
    for (const [part, path] of paths.entries()) {
      const frames = trainingFrames(profile, trunks, train, partVideos(train, { part, parts: 2 }));
      await writeTrainingMaps(path, frames.videos);
    }
    const before = tf.memory().numTensors;
    // parts read in either order give the list's order
    const read = await readTrainingMaps([paths[1]!, paths[0]!], train);
    expect(read.videos.map((v) => [v.index, v.name, v.keys])).toEqual(
      whole.videos.map((v) => [v.index, v.name, v.keys]),
    );
    expect(read.items.map((i) => [i.row, Array.from(i.gt.labels)])).toEqual(
      whole.items.map((i) => [i.row, Array.from(i.gt.labels)]),
    );
    read.videos.forEach((v, i) => {
      for (const stream of ['rgb', 'flow'] as const)
        v.input[stream].forEach((maps, l) => {
          const w = whole.videos[i]!.input[stream][l]!;
          expect(maps.shape).toEqual(w.shape);
          expect(maps.data).toEqual(w.data);
        });
    });
    expect(tf.memory().numTensors).toBe(before);

    // maps of other videos are refused, naming the file, and leave no tensor behind
    const others = [source(0), source(7), source(2)];
    await expect(readTrainingMaps(paths, others)).rejects.toThrow(
      `${paths[1]}: video 1 is "plain/v1", the training list's is "plain/v7"`,
    );
    await expect(readTrainingMaps([paths[0]!, paths[0]!], train)).rejects.toThrow(
      'video 0 ("plain/v0") is in two parts',
    );
    // a tensor whose rows are not the video's key frames is refused, naming it
    const tampered = join(dir, 'tampered.safetensors');
    const v0 = whole.videos[0]!;
    await writeTrainingMaps(tampered, [{ ...v0, keys: [...v0.keys, 20] }]);
    const [rows, H, W, C] = v0.input.rgb[0]!.shape;
    await expect(readTrainingMaps([tampered], train)).rejects.toThrow(
      `${tampered}: tensor "0/rgb/0" has shape [${rows}, ${H}, ${W}, ${C}], expected [${rows + 1} key frames, height, width, channels]`,
    );
    expect(tf.memory().numTensors).toBe(before);
    trunks.rgb.dispose();
    trunks.flow.dispose();
  });
});
