import type { VideoAnnotation } from '@tubekit/datasets';
import { ActionnessClassifiers } from '@tubekit/heads/cross-stream';
import { actionnessTrimming, PCSC_TRIMMING } from '@tubekit/linking';
import { initBackend, Trainer, tf } from '@tubekit/nn';
import type { BenchVideoSource } from './bench-data';
import { actionnessOf, refineTubes, tubeBoxFeatures } from './evaluate';
import { describeKeyFrames, trainingKeyFrames } from './key-frames';
import { PROFILES, stepProfileOf } from './profiles';
import { spreadVideos } from './train-actionness';
import { createDetector, trainDetector, trainingFrames } from './train-detector';
import { freshStreamTrunks } from './trunks';
import { describeStacks, gatherInput, hostInput, videoInput } from './video-features';

const box = [10, 10, 30, 50];

/** 20 frames: actor A on frames 3–8, actor B on frames 6–12, nobody on 13–16, A again on 17–18. */
const video: VideoAnnotation = {
  name: 'plain/v1',
  nframes: 20,
  width: 112,
  height: 112,
  tubes: [
    { label: 0, start: 3, boxes: Float64Array.from(Array(6).fill(box).flat()) },
    { label: 1, start: 6, boxes: Float64Array.from(Array(7).fill(box).flat()) },
    { label: 0, start: 17, boxes: Float64Array.from(Array(2).fill(box).flat()) },
  ],
};

describe('trainingKeyFrames', () => {
  it('keeps every n-th frame that has a GT box, counting frames once however many actors', () => {
    // annotated frames: 3…12, 17, 18 (12 frames; 15 boxes)
    const annotated = (every: number) => ({ every, of: 'annotated' as const });
    expect(trainingKeyFrames(video, annotated(1))).toEqual([
      3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 17, 18,
    ]);
    expect(trainingKeyFrames(video, annotated(5))).toEqual([3, 8, 17]);
    expect(trainingKeyFrames(video, annotated(10))).toEqual([3, 17]);
    expect(trainingKeyFrames({ ...video, tubes: [] }, annotated(10))).toEqual([]);
    expect(describeKeyFrames(annotated(10))).toBe('every 10th annotated frame');
  });
  it('or every n-th frame of the video, frames without a GT box included', () => {
    const all = (every: number) => ({ every, of: 'all' as const });
    expect(trainingKeyFrames(video, all(5))).toEqual([1, 6, 11, 16]);
    expect(trainingKeyFrames(video, all(10))).toEqual([1, 11]);
    expect(trainingKeyFrames({ ...video, tubes: [] }, all(10))).toEqual([1, 11]);
    expect(describeKeyFrames(all(10))).toBe('every 10th frame');
    expect(describeKeyFrames(all(1))).toBe('every frame');
    expect(describeKeyFrames(all(2))).toBe('every 2nd frame');
  });
});

describe('spreadVideos', () => {
  it('takes videos evenly over the list, every variant’s, and all of a shorter list', () => {
    const list = [...'abcdefghijkl']; // 3 variants of 4 videos, variant by variant
    expect(spreadVideos(list, 3)).toEqual(['a', 'e', 'i']);
    expect(spreadVideos(list, 6)).toEqual(['a', 'c', 'e', 'g', 'i', 'k']);
    expect(spreadVideos(list.slice(0, 2), 5)).toEqual(['a', 'b']);
    expect(spreadVideos([], 5)).toEqual([]);
  });
});

/** The smoke profile, its frame size S, fresh trunks and the test video at that size. */
function smokeSetup() {
  const profile = PROFILES.smoke;
  const S = stepProfileOf(profile).frameSize;
  const annotation: VideoAnnotation = { ...video, width: S, height: S };
  return { profile, S, trunks: freshStreamTrunks(profile), annotation };
}

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

describe('trainingFrames', () => {
  it('keeps only the maps, in this process’s memory, and leaves no tensor when a video fails', () => {
    const { profile, S, trunks, annotation } = smokeSetup();
    const frames = () => new Float32Array(annotation.nframes * S * S * 3).fill(0.5);
    let loads = 0;
    const source = (fail: boolean): BenchVideoSource => ({
      variant: 'plain',
      annotation,
      load: () => {
        loads++;
        if (fail) throw new Error('render failed');
        return { variant: 'plain', annotation, rgb: frames(), flow: frames() };
      },
    });
    const before = tf.memory().numTensors;
    const out = trainingFrames(profile, trunks, [source(false), source(false)]);
    expect(loads).toBe(2);
    expect(out.items.map((i) => i.row)).toEqual([0, 1, 0, 1]); // key frames 3 and 17 of each
    expect(tf.memory().numTensors).toBe(before);
    // the maps are the key frames' rows of the video's maps, and a batch gathers them back
    const maps = videoInput(trunks, source(false).load(), [3, 17], profile.stacks);
    const host = hostInput(maps);
    expect(out.videos[0]!.input).toEqual(host);
    const batch = gatherInput([
      { input: out.videos[1]!.input, row: 1 },
      { input: out.videos[0]!.input, row: 0 },
    ]);
    for (const stream of ['rgb', 'flow'] as const)
      batch[stream].forEach((t, l) => {
        const [, H, W, C] = maps[stream][l]!.shape;
        expect(t.shape).toEqual([2, H, W, C]);
        const expected = tf.tidy(() =>
          tf.concat([tf.slice(maps[stream][l]!, 1, 1), tf.slice(maps[stream][l]!, 0, 1)]),
        );
        expect(t.dataSync()).toEqual(expected.dataSync());
        expected.dispose();
      });
    tf.dispose([...maps.rgb, ...maps.flow, ...batch.rgb, ...batch.flow]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trainingFrames(profile, trunks, [source(false), source(true)])).toThrow(
      'render failed',
    );
    expect(tf.memory().numTensors).toBe(before);
    trunks.rgb.dispose();
    trunks.flow.dispose();
  });
});

describe('videoInput', () => {
  it("reduces each trunk level over its own stack: stride 4's plain, stride 8's in ordered parts", () => {
    const { S, trunks, annotation } = smokeSetup();
    // frames that differ over time, so that stacks of different lengths give different maps
    const rgb = new Float32Array(annotation.nframes * S * S * 3).map(
      (_, i) => (Math.floor(i / (S * S * 3)) % 5) / 5 + (i % 3) / 9,
    );
    const clip = { variant: 'plain' as const, annotation, rgb, flow: rgb.slice() };
    const before = tf.memory().numTensors;
    const [c4, c8] = trunks.rgb.options.widths.slice(1) as [number, number];
    const six = { frames: 6, segments: 1 };
    const plain = videoInput(trunks, clip, [10], [six, six]);
    const mixed = videoInput(trunks, clip, [10], [six, { frames: 18, segments: 3 }]);
    expect(mixed.rgb.map((t) => t.shape)).toEqual([
      [1, S / 4, S / 4, c4],
      [1, S / 8, S / 8, 3 * c8],
    ]);
    // the stride-4 level is the same 6-frame mean; stride 8 reads 18 frames in 3 parts, whose
    // middle part is the key frame's own 6 frames (frames 7–12, the same as the plain stack's)
    expect(mixed.rgb[0]!.dataSync()).toEqual(plain.rgb[0]!.dataSync());
    const middle = tf.tidy(() => tf.slice(mixed.rgb[1]!, [0, 0, 0, c8], [1, S / 8, S / 8, c8]));
    const first = tf.tidy(() => tf.slice(mixed.rgb[1]!, [0, 0, 0, 0], [1, S / 8, S / 8, c8]));
    const near = (a: tf.Tensor, b: tf.Tensor) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
    expect(near(middle, plain.rgb[1]!)).toBeLessThan(1e-5);
    expect(near(first, plain.rgb[1]!)).toBeGreaterThan(1e-3);
    tf.dispose([...plain.rgb, ...plain.flow, ...mixed.rgb, ...mixed.flow, middle, first]);
    expect(tf.memory().numTensors).toBe(before);
    trunks.rgb.dispose();
    trunks.flow.dispose();
  });

  it('describes the stacks of both levels', () => {
    expect(describeStacks(PROFILES.quick.stacks)).toBe(
      '6 frames at stride 4, 18 frames in 3 ordered parts at stride 8',
    );
  });
});

describe('trainDetector', () => {
  const S = stepProfileOf(PROFILES.smoke).frameSize;
  const annotation: VideoAnnotation = { ...video, width: S, height: S };
  const source: BenchVideoSource = {
    variant: 'plain',
    annotation,
    load: () => {
      const rgb = new Float32Array(annotation.nframes * S * S * 3).map((_, i) => (i % 7) / 7);
      return { variant: 'plain', annotation, rgb, flow: rgb.slice() };
    },
  };
  let trunks: ReturnType<typeof freshStreamTrunks>;
  let frames: ReturnType<typeof trainingFrames>;
  beforeAll(() => {
    trunks = freshStreamTrunks(PROFILES.smoke);
    frames = trainingFrames(PROFILES.smoke, trunks, [source]);
  });
  afterAll(() => {
    trunks.rgb.dispose();
    trunks.flow.dispose();
  });

  it('applies the profile’s step decay (a gamma of 0 stops learning at the milestone) and leaks nothing', () => {
    const weightsAfter = (iterations: number, at: number) => {
      const profile = {
        ...PROFILES.smoke,
        iterations,
        decay: { at, gamma: 0 },
        headPretraining: { ...PROFILES.smoke.headPretraining, iterations: 0 },
      };
      const det = createDetector(profile, 'pcsc', 1, 2);
      const before = tf.memory().numTensors;
      const loss = trainDetector(profile, det, frames, 1);
      expect(Number.isFinite(loss)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
      const values = det.trainableVariables.map((v) => Array.from(v.dataSync()));
      det.dispose();
      return values;
    };
    // the rate is 0 from step 2 on: 4 iterations end where 2 do; without the drop they do not
    expect(weightsAfter(4, 0.5)).toEqual(weightsAfter(2, 1));
    expect(weightsAfter(4, 1)).not.toEqual(weightsAfter(2, 1));
  });

  it('says when the backend’s memory runs out during training, and what fills it', () => {
    const det = createDetector(PROFILES.smoke, 'fpn', 1, 2);
    const run = jest.spyOn(det, 'run').mockImplementation(() => {
      // what the wasm backend throws when its heap is full (a WebAssembly.RuntimeError)
      throw new Error('memory access out of bounds');
    });
    const profile = {
      ...PROFILES.smoke,
      headPretraining: { ...PROFILES.smoke.headPretraining, iterations: 0 },
    };
    const says = `pcsc-bench: the ML backend's memory ran out at training step 0 ("memory access out of bounds"). It holds the detector and its batches of ${profile.batchFrames} key frames (the training maps are kept outside it); fewer key frames a batch or a narrower detector (fpnChannels, hidden) fit.`;
    expect(() => trainDetector(profile, det, frames, 1)).toThrow(says);
    // the heap's end breaks the backend: freeing the trainer afterwards fails as well, and that
    // failure does not hide the message
    const dispose = jest.spyOn(Trainer.prototype, 'dispose').mockImplementation(() => {
      throw new Error('memory access out of bounds');
    });
    expect(() => trainDetector(profile, det, frames, 1)).toThrow(says);
    dispose.mockRestore();
    run.mockImplementation(() => {
      throw new RangeError('something else');
    });
    expect(() => trainDetector(profile, det, frames, 1)).toThrow(/^something else$/);
    run.mockRestore();
    det.dispose();
  });

  it('pretrains the heads first, on draws of its own, and leaks nothing', () => {
    const train = (
      model: 'fpn' | 'pcsc',
      headPretraining: { iterations: number; learningRate: number; refinementStages?: boolean },
    ) => {
      const profile = {
        ...PROFILES.smoke,
        headPretraining: { ...PROFILES.smoke.headPretraining, ...headPretraining },
      };
      const det = createDetector(profile, model, 1, 2);
      const before = tf.memory().numTensors;
      const phases: string[] = [];
      trainDetector(profile, det, frames, 1, (_, loss, phase) => {
        expect(Number.isFinite(loss)).toBe(true);
        phases.push(phase);
      });
      expect(tf.memory().numTensors).toBe(before);
      const values = det.trainableVariables.map((v) => Array.from(v.dataSync()));
      det.dispose();
      return { phases, values };
    };
    const plain = train('fpn', { iterations: 0, learningRate: 1e-3 });
    expect(plain.phases).toEqual(Array(PROFILES.smoke.iterations).fill('end to end'));
    // pretraining at rate 0 changes nothing (FPN has no later stage to start from stage 0), so the
    // end-to-end phase draws the batches and RoIs it draws without pretraining
    const still = train('fpn', { iterations: 2, learningRate: 0 });
    expect(still.phases).toEqual([
      'head pretraining',
      'head pretraining',
      ...Array(PROFILES.smoke.iterations).fill('end to end'),
    ]);
    expect(still.values).toEqual(plain.values);
    expect(train('fpn', { iterations: 2, learningRate: 1e-2 }).values).not.toEqual(plain.values);
    // PCSC's later stages start from their stream's pretrained head, or pretrain themselves
    // with their RoI-level message passing (the profile's `refinementStages`)
    const pretrained = [false, true].map((refinementStages) => {
      const profile = {
        ...PROFILES.smoke,
        headPretraining: { ...PROFILES.smoke.headPretraining, refinementStages },
      };
      const det = createDetector(profile, 'pcsc', 1, 2);
      expect(det.options.pretrainRefinementStages).toBe(refinementStages);
      const count = det.pretrainingWeights.length;
      det.dispose();
      const run = train('pcsc', { iterations: 2, learningRate: 1e-2, refinementStages });
      expect(run.phases.length).toBe(2 + PROFILES.smoke.iterations);
      return count;
    });
    expect(pretrained[1]).toBeGreaterThan(pretrained[0]!);
  });
});

describe('refineTubes', () => {
  it('scores every box once and trims the tubes each way as actionnessTrimming does', () => {
    const { profile, S, trunks, annotation } = smokeSetup();
    const rgb = new Float32Array(annotation.nframes * S * S * 3).map((_, i) => (i % 11) / 11);
    const input = videoInput(
      trunks,
      { variant: 'plain', annotation, rgb, flow: rgb.slice() },
      Array.from({ length: annotation.nframes }, (_, i) => i + 1),
      profile.stacks,
    );
    const det = createDetector(profile, 'pcsc', 1, 2);
    const classifiers = new ActionnessClassifiers({
      numClasses: 2,
      inChannels: det.boxFeatureWidth,
      seed: 3,
    });
    // two tubes of 12 and 5 frames, boxes drifting so that their features differ
    const tube = (label: number, start: number, n: number) => ({
      video: 'plain/v1',
      label,
      score: 0.9,
      start,
      boxes: Float64Array.from({ length: 4 * n }, (_, i) => [2, 3, 14, 20][i % 4]! + (i >> 2)),
    });
    const tubes = [tube(0, 2, 12), tube(1, 9, 5)];
    const before = tf.memory().numTensors;
    const features = jest.spyOn(det, 'boxFeatures');
    const refined = refineTubes(det, classifiers, input, tubes, ['split', 'ends']);
    expect(features).toHaveBeenCalledTimes(1);
    features.mockRestore();
    expect(tf.memory().numTensors).toBe(before);
    const p = actionnessOf(classifiers, tubeBoxFeatures(det, input, tubes), [
      ...Array(12).fill(1),
      ...Array(5).fill(2),
    ]);
    const actionness = [p.subarray(0, 12), p.subarray(12)];
    for (const cut of ['split', 'ends'] as const)
      expect(refined[cut]).toEqual(
        actionnessTrimming(tubes, { ...PCSC_TRIMMING, cut }, actionness),
      );
    // no tubes: nothing to score, and no tube either way
    expect(refineTubes(det, classifiers, input, [], ['ends'])).toEqual({ ends: [] });
    tf.dispose([...input.rgb, ...input.flow]);
    det.dispose();
    classifiers.dispose();
    trunks.rgb.dispose();
    trunks.flow.dispose();
  });
});
