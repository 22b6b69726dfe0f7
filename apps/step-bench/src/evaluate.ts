import type { ActionDataset, VideoAnnotation } from '@tubekit/datasets';
import { boxIoU, type DetectedTube, emptyTubeletDetections } from '@tubekit/geometry';
import type { ClipTubelet } from '@tubekit/heads/progressive';
import {
  ACT_LINKING,
  fitPlattScaling,
  type LinkingPipeline,
  type PlattScaling,
  runLinkingPipeline,
  SAHA_TRIMMING,
} from '@tubekit/linking';
import { actProtocol, FrameMeanAPEvaluator, videoMeanAP } from '@tubekit/metrics';

/** Tubelets of every test video (video name → per-clip tubelets, sorted by start). */
export type VideoTubelets = Map<string, ClipTubelet[]>;

/** IoU thresholds of STEP Table 2's video-mAP, plus 0.5 for reference. */
export const VIDEO_IOUS = [0.05, 0.1, 0.2, 0.5] as const;

/**
 * Frame-mAP@0.5 (%) of clip tubelets under the ACT protocol: every frame takes the boxes of the one
 * clip that "owns" it (clips start every `stride` frames; a clip owns the frames up to the next
 * clip's start, the last clip its remaining frames), each box scored by its tubelet's class score.
 */
export function frameMapOf(
  dataset: Pick<ActionDataset, 'labels'>,
  videos: readonly VideoAnnotation[],
  tubelets: VideoTubelets,
  K: number,
): number {
  return frameAPsOf(dataset, videos, tubelets, K).mAP;
}

/**
 * One evaluation of the frame boxes {@link frameMapOf} scores, read two ways: the frame-mAP@0.5
 * (%) and each class's frame-AP@0.5 (%), keyed by label in label order (their mean, over every
 * label, is the frame-mAP).
 */
export function frameAPsOf(
  dataset: Pick<ActionDataset, 'labels'>,
  videos: readonly VideoAnnotation[],
  tubelets: VideoTubelets,
  K: number,
): { mAP: number; byClass: Record<string, number> } {
  const evaluator = new FrameMeanAPEvaluator(
    { labels: dataset.labels, videos },
    { protocol: actProtocol, iou: [0.5], videos: videos.map((v) => v.name) },
  );
  for (const video of videos) {
    const list = tubelets.get(video.name) ?? [];
    const starts = [...new Set(list.map((t) => t.start))].sort((a, b) => a - b);
    const ownedUntil = new Map<number, number>();
    for (const [i, s] of starts.entries())
      ownedUntil.set(s, i + 1 < starts.length ? starts[i + 1] : s + K);
    let n = 0;
    for (const t of list) n += Math.min(K, (ownedUntil.get(t.start) as number) - t.start);
    const frame = new Int32Array(n);
    const label = new Int32Array(n);
    const score = new Float64Array(n);
    const boxes = new Float64Array(n * 4);
    let r = 0;
    for (const t of list) {
      const until = ownedUntil.get(t.start) as number;
      for (let k = 0; k < K && t.start + k < until; k++) {
        frame[r] = t.start + k;
        label[r] = t.label;
        score[r] = t.score;
        boxes.set(t.boxes.subarray(k * 4, k * 4 + 4), r * 4);
        r++;
      }
    }
    // The evaluator expects rows sorted by frame.
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => frame[a] - frame[b] || a - b,
    );
    const sorted = {
      frame: Int32Array.from(order, (i) => frame[i]),
      label: Int32Array.from(order, (i) => label[i]),
      score: Float64Array.from(order, (i) => score[i]),
      boxes: new Float64Array(n * 4),
      length: n,
    };
    for (const [j, i] of order.entries()) sorted.boxes.set(boxes.subarray(i * 4, i * 4 + 4), j * 4);
    evaluator.addVideo(video.name, sorted);
  }
  const r = evaluator.result().results[0]!;
  return {
    mAP: 100 * r.mAP,
    byClass: Object.fromEntries(r.classes.map((c) => [c.label, 100 * (c.ap ?? Number.NaN)])),
  };
}

/**
 * STEP's linking (§3.5): ACT tubelet linking, then temporal trimming (Saha et al.'s two-state DP);
 * `trim: false` stops after linking. The trimmer labels a frame "action" where its score beats
 * 1 − score, so it needs probabilities: `calibration` maps the linked tubes' scores through a
 * Platt scaling first ({@link fitTrimmingCalibration}; `null`: the detector's scores as they are).
 */
export function stepLinkingPipeline(
  K: number,
  trim = true,
  calibration: PlattScaling | null = null,
): LinkingPipeline {
  return {
    name: trim
      ? `step: act tubelet linking + ${calibration ? 'calibrated ' : ''}two-state trimming`
      : 'step: act tubelet linking',
    frameNMS: null,
    linker: { method: 'tubelet', options: { ...ACT_LINKING, closeAfter: K, minLength: K } },
    calibration: trim ? calibration : null,
    trimmer: trim ? { method: 'two-state', options: { ...SAHA_TRIMMING, longerThan: K } } : null,
  };
}

/**
 * Links tubelets into tubes (STEP §3.5; `trim: false` skips the trimming, `calibration` maps the
 * scores the trimmer reads) and returns them with the pipeline that made them.
 */
export function linkTubes(
  videos: readonly VideoAnnotation[],
  tubelets: VideoTubelets,
  K: number,
  trim = true,
  calibration: PlattScaling | null = null,
): { tubes: DetectedTube[]; pipeline: LinkingPipeline } {
  const names = videos.map((v) => v.name);
  let n = 0;
  for (const v of names) n += tubelets.get(v)?.length ?? 0;
  const dets = emptyTubeletDetections(names, K, n);
  let r = 0;
  names.forEach((name, vi) => {
    const list = [...(tubelets.get(name) ?? [])].sort((a, b) => a.start - b.start);
    for (const t of list) {
      dets.videoIndex[r] = vi;
      dets.start[r] = t.start;
      dets.label[r] = t.label;
      dets.score[r] = t.score;
      dets.boxes.set(t.boxes, r * K * 4);
      r++;
    }
  });
  const pipeline = stepLinkingPipeline(K, trim, calibration);
  return { tubes: runLinkingPipeline(dets, pipeline).tubes, pipeline };
}

/**
 * IoU a linked tube's box must reach with a GT box at the same frame for that frame to count as
 * "action" when the trimmer's calibration is fit ({@link trimmingOutcomes}).
 */
export const TRIMMING_TARGET_IOU = 0.2;

/**
 * What the two-state trimmer decides, per frame of each linked tube: its two states are "action"
 * and "background", so a frame's outcome is 1 where the tube follows an actor who is acting then
 * (a GT tube covers the frame and its box overlaps the tube's at IoU ≥ `minIoU`), and 0 where the
 * actor is idle, the tube has left every actor, or no action is going on. The class is not part
 * of it: whether the tube's label is right is what its score ranks in the video-mAP, not what the
 * trimmer cuts. Returns the per-frame scores beside the outcomes, in the same order.
 */
export function trimmingOutcomes(
  videos: readonly VideoAnnotation[],
  tubes: readonly DetectedTube[],
  minIoU = TRIMMING_TARGET_IOU,
): { scores: number[]; outcomes: number[] } {
  const byName = new Map(videos.map((v) => [v.name, v]));
  const scores: number[] = [];
  const outcomes: number[] = [];
  for (const tube of tubes) {
    const video = byName.get(tube.video);
    if (!video) throw new Error(`trimmingOutcomes: tube of unknown video "${tube.video}"`);
    const T = tube.boxes.length / 4;
    for (let k = 0; k < T; k++) {
      const frame = tube.start + k;
      const box = tube.boxes.subarray(4 * k, 4 * k + 4);
      const acting = video.tubes.some((g) => {
        const j = frame - g.start;
        return (
          j >= 0 &&
          j < g.boxes.length / 4 &&
          boxIoU(box, g.boxes.subarray(4 * j, 4 * j + 4)) >= minIoU
        );
      });
      scores.push(tube.scores?.[k] ?? tube.score);
      outcomes.push(acting ? 1 : 0);
    }
  }
  return { scores, outcomes };
}

/**
 * The training videos Table 2's trimmer is calibrated on (`fitTrimmingCalibration`): as many as
 * there are test videos (all of them when there are fewer), evenly spaced through the training
 * split. The fusion models run on them after training, as on the test videos.
 */
export function calibrationVideos(bench: {
  train: readonly VideoAnnotation[];
  test: readonly VideoAnnotation[];
}): VideoAnnotation[] {
  const { train } = bench;
  const n = Math.min(train.length, bench.test.length);
  return Array.from({ length: n }, (_, i) => train[Math.floor((i * train.length) / n)]);
}

/**
 * The trimmer's calibration, fit where no evaluated video is: the tubelets of some training
 * videos are linked as the test videos' are (no trimming), and a Platt scaling of their per-frame
 * scores is fit to {@link trimmingOutcomes} (`fitPlattScaling` of @tubekit/linking). Returns it
 * with how many frames and "action" frames (on an acting actor) it was fit on, or `null` when the detector linked no
 * tube on those videos (nothing to fit: the trimmer then reads the scores as they are).
 */
export function fitTrimmingCalibration(
  videos: readonly VideoAnnotation[],
  tubelets: VideoTubelets,
  K: number,
): { scaling: PlattScaling; frames: number; actionFrames: number } | null {
  const { tubes } = linkTubes(videos, tubelets, K, false);
  const { scores, outcomes } = trimmingOutcomes(videos, tubes);
  if (scores.length === 0) return null;
  return {
    scaling: fitPlattScaling(scores, outcomes, { source: 'step-bench calibration videos' }),
    frames: scores.length,
    actionFrames: outcomes.reduce((a, b) => a + b, 0),
  };
}

/** Video-mAP (%) at {@link VIDEO_IOUS} under the `act` protocol (spatio-temporal tube IoU). */
export function videoMapOf(
  dataset: Pick<ActionDataset, 'labels'>,
  videos: readonly VideoAnnotation[],
  tubes: DetectedTube[],
): Record<string, number> {
  const r = videoMeanAP({ labels: dataset.labels, videos }, tubes, {
    protocol: actProtocol,
    iou: [...VIDEO_IOUS],
    videos: videos.map((v) => v.name),
  });
  return Object.fromEntries(r.results.map((x) => [String(x.iou), 100 * x.mAP]));
}
