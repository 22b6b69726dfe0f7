import type { ActionDataset, VideoAnnotation } from './annotation-model';
import {
  augmentTubelets,
  ClipSampler,
  clipFrames,
  clipTubelets,
  readClipFrames,
  sampleClips,
} from './clip-sampler';
import { createGeneratedFrameSource } from './frame-source';

/** A 40×30 video of 20 frames whose single tube (frames 5…14) moves right 1 px per frame. */
function movingBoxVideo(): VideoAnnotation {
  const T = 10;
  const boxes = new Float64Array(4 * T);
  for (let t = 0; t < T; t++) boxes.set([4 + t, 6, 16 + t, 22], 4 * t);
  return {
    name: 'demo/moving',
    nframes: 20,
    width: 40,
    height: 30,
    tubes: [{ label: 1, start: 5, boxes }],
  };
}

/** Frames that paint the GT box of each frame white on black (channel 0 also encodes x/width). */
function paintedSource(video: VideoAnnotation) {
  return createGeneratedFrameSource({
    video: video.name,
    width: video.width,
    height: video.height,
    nframes: video.nframes,
    render: (frame, out) => {
      out.fill(0);
      const tube = video.tubes[0]!;
      const t = frame - tube.start;
      if (t < 0 || t >= tube.boxes.length / 4) return;
      const [x1, y1, x2, y2] = tube.boxes.subarray(4 * t, 4 * t + 4) as unknown as number[];
      for (let y = 0; y < video.height; y++)
        for (let x = 0; x < video.width; x++)
          if (x + 0.5 > x1! && x + 0.5 < x2! && y + 0.5 > y1! && y + 0.5 < y2!)
            out.fill(1, 3 * (y * video.width + x), 3 * (y * video.width + x) + 3);
    },
  });
}

describe('clip sampling', () => {
  it('cuts K-frame clips with stride and step, padding short videos with the last frame', () => {
    const video = movingBoxVideo();
    const clips = sampleClips(video, { K: 4, stride: 2, step: 3 });
    expect(clips.map((c) => c.frames[0])).toEqual([1, 4, 7, 10, 13]);
    expect(Array.from(clips[1]!.frames)).toEqual([4, 6, 8, 10]);
    expect(Array.from(clipFrames(18, 4, 2, 20))).toEqual([18, 20, 20, 20]);
    expect(sampleClips({ ...video, nframes: 3 }, { K: 6 })).toHaveLength(1);
    const positive = sampleClips(video, { K: 4, minCoverage: 1 });
    expect(positive.map((c) => c.frames[0])).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(() => sampleClips(video, { K: 0 })).toThrow(/K must be an integer ≥ 1, got 0/);
  });

  it('gives the GT boxes of each tube inside the clip with a presence mask', () => {
    const video = movingBoxVideo();
    const [tubelet] = clipTubelets(video, clipFrames(3, 4, 1, 20));
    expect(Array.from(tubelet!.present)).toEqual([0, 0, 1, 1]);
    expect(tubelet!.coverage).toBe(2);
    expect(Array.from(tubelet!.boxes.subarray(8))).toEqual([4, 6, 16, 22, 5, 6, 17, 22]);
    expect(Array.from(tubelet!.boxes.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(clipTubelets(video, clipFrames(16, 3, 1, 20))).toEqual([]);
  });

  it('is seeded: the same seed and epoch give the same clips, another epoch reshuffles', () => {
    const dataset: ActionDataset = {
      dataset: 'demo',
      labels: ['a', 'b'],
      videos: [movingBoxVideo(), { ...movingBoxVideo(), name: 'demo/other' }],
      splits: { train: ['demo/moving', 'demo/other'] },
    };
    const options = {
      split: 'train',
      K: 3,
      step: 4,
      seed: 9,
      augment: { flip: true, crop: { minScale: 0.6 } },
    };
    const a = new ClipSampler(dataset, options).epoch(0);
    const b = new ClipSampler(dataset, options).epoch(0);
    const c = new ClipSampler(dataset, options).epoch(1);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.some((clip) => clip.flip)).toBe(true);
    expect(a.some((clip) => !clip.flip)).toBe(true);
    expect(() => new ClipSampler(dataset, { ...options, split: 'test' })).toThrow(
      /no split "test"/,
    );
  });

  it('applies flip and crop to frames and boxes together', async () => {
    const video = movingBoxVideo();
    const dataset: ActionDataset = {
      dataset: 'demo',
      labels: ['a', 'b'],
      videos: [video],
      splits: {},
    };
    const sampler = new ClipSampler(dataset, {
      K: 4,
      step: 2,
      seed: 3,
      size: [32, 24],
      augment: { flip: true, crop: { minScale: 0.7 } },
      minCoverage: 1,
    });
    const source = paintedSource(video);
    let checked = 0;
    for (const clip of sampler.epoch(0)) {
      const { rgb, tubelets, width, height } = await sampler.load(clip, { rgb: source });
      expect(tubelets).toHaveLength(1);
      const t = tubelets[0]!;
      for (let k = 0; k < 4; k++) {
        if (!t.present[k]) continue;
        const [x1, y1, x2, y2] = t.boxes.subarray(4 * k, 4 * k + 4) as unknown as number[];
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const v = rgb![((k * height + y) * width + x) * 3]!;
            const cx = x + 0.5;
            const cy = y + 0.5;
            const inside = cx > x1! + 1.5 && cx < x2! - 1.5 && cy > y1! + 1.5 && cy < y2! - 1.5;
            const outside = cx < x1! - 1.5 || cx > x2! + 1.5 || cy < y1! - 1.5 || cy > y2! + 1.5;
            if (inside) expect(v).toBeGreaterThan(0.99);
            if (outside) expect(v).toBeLessThan(0.01);
          }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('mirrors the u channel of flow images when flipping', async () => {
    const flow = createGeneratedFrameSource({
      video: 'demo/flow',
      width: 8,
      height: 4,
      nframes: 2,
      render: (_frame, out) => {
        for (let i = 0; i < out.length; i += 3) out.set([0.8, 0.4, 0.6], i);
      },
    });
    const clip = {
      video: 'demo/flow',
      frames: Int32Array.of(1, 2),
      flip: true,
      crop: [0, 0, 8, 4] as [number, number, number, number],
    };
    const frames = await readClipFrames(flow, clip, 8, 4, true);
    expect(frames[0]).toBeCloseTo(0.2, 6);
    expect(frames[1]).toBeCloseTo(0.4, 6);
    expect(frames[2]).toBeCloseTo(0.6, 6);
    const boxes = augmentTubelets(
      [
        {
          label: 0,
          tube: 0,
          boxes: Float64Array.of(1, 1, 3, 2),
          present: Uint8Array.of(1),
          coverage: 1,
        },
      ],
      { ...clip, frames: Int32Array.of(1) },
      8,
      4,
    );
    expect(Array.from(boxes[0]!.boxes)).toEqual([5, 1, 7, 2]);
  });
});
