import { Trunk } from '@tubekit/backbones';
import { type ClipProposals, formatProposalsJson, parseProposalsJson } from '@tubekit/datasets';
import { initBackend } from '@tubekit/nn';
import { toyVideos } from '../../test/toy-videos';
import { detectVideo, detectVideoByStep } from './detect-video';
import { ProgressiveDetector } from './progressive-detector';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

describe('detectVideo onProposals', () => {
  it("emits every clip's proposals at each stage, in video pixels, as a tubekit-proposals file", () => {
    const det = new ProgressiveDetector({
      numClasses: 2,
      trunk: new Trunk({ channels: 3, widths: [4, 8, 8], neckChannels: 8, seed: 1 }),
      frameWidth: 16,
      frameHeight: 16,
      clipLength: 4,
      steps: 2,
      extension: 'extrapolation',
      hidden: 16,
      seed: 1,
    });
    const { videos, read } = toyVideos(1, 0, 16, 16);
    // frames come at the network's 16×16; the annotation says the video is 32×32
    const video = { ...videos[0]!, width: 32, height: 32 };
    const clips: ClipProposals[] = [];
    detectVideo(det, video, read, { onProposals: (clip) => clips.push(clip) });
    det.dispose();
    expect(clips.map((c) => c.start)).toEqual([1, 5, 9, 13]);
    const M = det.numProposals;
    for (const clip of clips) {
      expect(clip.stages.map((s) => s.name)).toEqual(['initial', 'step 1', 'step 2']);
      for (const s of clip.stages) expect(s.proposals).toHaveLength(M);
    }
    // initial: the M cuboids of the 16×16 network frame, scaled ×2 to the 32×32 video
    const p0 = clips[1]!.stages[0]!.proposals[0]!;
    expect(p0.start).toBe(5);
    expect(Array.from(p0.boxes.subarray(0, 4))).toEqual(
      Array.from(det.proposals0.subarray(0, 4), (v) => 2 * v),
    );
    expect(p0.label).toBeUndefined();
    // step 2 extends to 12 frames, cut at the video's ends: clip 1–4 keeps frames 1–8
    const first = clips[0]!.stages[2]!.proposals[0]!;
    expect([first.start, first.boxes.length / 4]).toEqual([1, 8]);
    const middle = clips[1]!.stages[2]!.proposals[0]!;
    expect([middle.start, middle.boxes.length / 4]).toEqual([1, 12]);
    for (const p of clips[1]!.stages[1]!.proposals) {
      expect(p.label === 0 || p.label === 1).toBe(true);
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(1);
    }
    const file = { method: 'step', labels: ['right', 'down'], clips };
    expect(parseProposalsJson(formatProposalsJson(file), 'p.json').clips).toHaveLength(4);
  });
});

describe('detectVideoByStep', () => {
  it('gives, in one pass, what detectVideo gives when stopped after each step', () => {
    const det = new ProgressiveDetector({
      numClasses: 2,
      trunk: new Trunk({ channels: 3, widths: [4, 8, 8], neckChannels: 8, seed: 2 }),
      frameWidth: 16,
      frameHeight: 16,
      clipLength: 4,
      steps: 3,
      extension: 'extrapolation',
      hidden: 16,
      seed: 2,
    });
    const { videos, read } = toyVideos(1, 0, 16, 16);
    const video = videos[0]!;
    const options = { stride: 2, minScore: 0 };
    const byStep = detectVideoByStep(det, video, read, options);
    expect(byStep).toHaveLength(3);
    byStep.forEach((tubelets, i) => {
      const alone = detectVideo(det, video, read, { ...options, upToStep: i + 1 });
      expect(tubelets.length).toBeGreaterThan(0);
      expect(tubelets).toEqual(alone);
    });
    // the steps refine differently: step 1's tubelets are not step 3's
    expect(byStep[0]).not.toEqual(byStep[2]);
    expect(detectVideoByStep(det, video, read, { ...options, upToStep: 2 })).toEqual(
      byStep.slice(0, 2),
    );
    det.dispose();
  });
});
