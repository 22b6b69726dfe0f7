import type { Trunk } from '@tubekit/backbones';
import type { VideoAnnotation } from '@tubekit/datasets';
import { clusterAnchors, type DetectedTube } from '@tubekit/geometry';
import {
  type CoarseToFineDetectOptions,
  CoarseToFineDetector,
  type TimestampChoice,
} from '@tubekit/heads/coarse-to-fine';
import {
  actProtocol,
  type ErrorCounts,
  FrameMeanAPEvaluator,
  videoErrorBreakdown,
  videoMABO,
  videoMeanAP,
} from '@tubekit/metrics';
import { createRng, Trainer, tf, train } from '@tubekit/nn';
import { type CfadModality, type CfadVideos, clipTensor, trainingVideo } from './data';
import type { CfadProfile } from './profiles';
import { isTrimmed } from './trimmed-videos';

/** One trained configuration of the detector (tier 1 adds the SynthTubes variant: `CfadBenchModel`). */
export interface CfadModelConfig {
  /** Stable id, e.g. `dynamic-k2`, `dynamic-k2-no-diff`, `dynamic-k2-early`. */
  id: string;
  order: number;
  diffBlock: boolean;
  modality: CfadModality;
  /** Run Fig. 4(b)'s selection sweep on this model. */
  selectionSweep: boolean;
}

/** The IoUs at which v-mAP is reported (Table 2's thresholds of both datasets). */
export const VIDEO_IOUS = ['0.2', '0.3', '0.5', '0.75', '0.5:0.95'] as const;

/** The metrics of one inference setting over the test videos. */
export interface CfadEvaluation {
  /** v-mAP (%) at {@link VIDEO_IOUS}. */
  videoMap: Record<string, number>;
  /** v-MABO (%) of the output tubes (class-agnostic best tube IoU per GT tube). */
  mabo: number;
  /** frame-mAP@0.5 (%), every box scored by its tube's score (§4.3). */
  frameMap: number;
  /** Fig. 5's outcome counts of the output tubes at δ = 0.5. */
  errors: ErrorCounts;
  /** Milliseconds per resampled frame (runtime per video ÷ T, §4.3), trunk included. */
  msPerFrame: number;
  /** Mean timestamps selected for refinement per output tube. */
  selected: number;
  /** Mean knots actually replaced by an RPN box (a proposal centre inside Ω) per output tube. */
  refined: number;
}

/** What a model's run leaves in the cache. */
export interface CfadModelResult {
  id: string;
  seed: number;
  config: CfadModelConfig;
  train: { iterations: number; finalLoss: number; wallMs: number };
  /** Parameters of the CFAD modules (trunk excluded) and of the trunk. */
  parameters: { head: number; trunk: number };
  /** By setting: `none` (no refine) and `σ=<σ>` (learned selector, α = 0.25). */
  refine: Record<string, CfadEvaluation>;
  /** Fig. 4(b): v-mAP@0.5 and ms/frame of the learned selector per α and the baselines at its count. */
  selection: {
    kind: 'learned' | 'uniform' | 'random';
    alpha: number;
    evaluation: CfadEvaluation;
  }[];
}

function evaluate(
  det: CoarseToFineDetector,
  data: CfadVideos,
  modality: CfadModality,
  T: number,
  options: CoarseToFineDetectOptions,
): CfadEvaluation {
  const S = data.frames.size;
  const tubes: DetectedTube[] = [];
  let ms = 0;
  let selected = 0;
  let refined = 0;
  for (const video of data.test) {
    const frames = clipTensor(data, modality, video, T);
    const t0 = performance.now();
    const out = det.detect({ frames, nframes: video.nframes }, options);
    ms += performance.now() - t0;
    frames.dispose();
    out.forEach((d, i) => {
      selected += d.selected;
      refined += d.refined;
      tubes.push({
        video: video.name,
        id: i,
        label: d.label,
        score: d.score,
        start: d.tube.start,
        boxes: Float64Array.from(
          d.tube.boxes,
          (v, j) => (v * (j % 2 ? video.height : video.width)) / S,
        ),
      });
    });
  }
  const gt = { labels: data.labels, videos: data.test };
  const videos = data.test.map((v) => v.name);
  const vmap = videoMeanAP(gt, tubes, { protocol: actProtocol, iou: [...VIDEO_IOUS], videos });
  return {
    videoMap: Object.fromEntries(vmap.results.map((r, i) => [VIDEO_IOUS[i], 100 * r.mAP])),
    mabo: 100 * videoMABO(gt, tubes, { protocol: actProtocol, videos }).mabo,
    frameMap: frameMapOfTubes(gt, data.test, tubes),
    errors: videoErrorBreakdown(gt, tubes, { protocol: actProtocol, iou: 0.5, videos }).total,
    msPerFrame: ms / (data.test.length * T),
    selected: tubes.length ? selected / tubes.length : 0,
    refined: tubes.length ? refined / tubes.length : 0,
  };
}

/** frame-mAP@0.5 (%) of tubes whose boxes all take the tube's score (CFAD §4.3). */
function frameMapOfTubes(
  gt: { labels: readonly string[]; videos: readonly VideoAnnotation[] },
  videos: readonly VideoAnnotation[],
  tubes: readonly DetectedTube[],
): number {
  const ev = new FrameMeanAPEvaluator(gt, {
    protocol: actProtocol,
    iou: [0.5],
    videos: videos.map((v) => v.name),
  });
  for (const video of videos) {
    const rows: { frame: number; label: number; score: number; box: Float64Array }[] = [];
    for (const t of tubes)
      if (t.video === video.name)
        for (let i = 0; i < t.boxes.length / 4; i++)
          rows.push({
            frame: t.start + i,
            label: t.label,
            score: t.score,
            box: t.boxes.subarray(4 * i, 4 * i + 4),
          });
    rows.sort((a, b) => a.frame - b.frame);
    const boxes = new Float64Array(4 * rows.length);
    rows.forEach((r, i) => {
      boxes.set(r.box, 4 * i);
    });
    ev.addVideo(video.name, {
      frame: Int32Array.from(rows, (r) => r.frame),
      label: Int32Array.from(rows, (r) => r.label),
      score: Float64Array.from(rows, (r) => r.score),
      boxes,
      length: rows.length,
    });
  }
  return 100 * ev.result().results[0]!.mAP;
}

/**
 * Trains one CFAD configuration on a preset variant (tier 1) or your videos (tier 3) from the
 * stream's pretrained trunk (its neck fine-tuned, §4.1's end-to-end stage on tubekit's trunk) and
 * evaluates it: every Table 1 row (no refine, each σ), and on request Fig. 4(b)'s selector sweep
 * against uniform and random selection of the same number of timestamps. The trunk is the
 * caller's, freshly loaded for this model.
 */
export async function runModel(
  profile: CfadProfile,
  data: CfadVideos,
  trunk: Trunk,
  config: CfadModelConfig,
  seed: number,
  options: {
    /** Looks at the trained detector before it is evaluated (diagnostics; it must not train it). */
    afterTraining?: (det: CoarseToFineDetector) => void;
  } = {},
): Promise<CfadModelResult> {
  const T = profile.clipLength;
  const S = data.frames.size;
  const boxes: number[] = [];
  for (const v of data.train)
    for (const t of v.tubes)
      for (let i = 0; i < t.boxes.length; i += 4)
        boxes.push(
          (t.boxes[i]! * S) / v.width,
          (t.boxes[i + 1]! * S) / v.height,
          (t.boxes[i + 2]! * S) / v.width,
          (t.boxes[i + 3]! * S) / v.height,
        );
  const anchorSizes = clusterAnchors(boxes, Math.min(6, boxes.length / 4), { seed }).sizes;
  const det = new CoarseToFineDetector({
    numClasses: data.labels.length,
    trunk,
    frameSize: S,
    clipLength: T,
    samples: profile.samples,
    order: config.order,
    anchorSizes,
    tpnLengths: profile.tpnLengths.map((f) => Math.max(1, f * T)),
    hidden: profile.hidden,
    featurePool: profile.featurePool,
    diffBlock: config.diffBlock,
    seed,
  });
  try {
    const trainer = new Trainer({
      parameters: det
        .trainableWeights()
        .map((w) => ({ name: w.variable.name, variable: w.variable })),
      optimizer: { kind: 'adam', learningRate: profile.learningRate },
      schedule: {
        kind: 'step',
        milestones: [Math.round((profile.iterations * 2) / 3)],
        gamma: 0.1,
      },
      clipGradNorm: 10,
      seed,
    });
    const summary = await train(trainer, {
      steps: profile.iterations,
      loss: (_, rng) => {
        let total: tf.Scalar = tf.scalar(0);
        for (let b = 0; b < profile.batchVideos; b++) {
          const video = data.train[rng.int(data.train.length)]!;
          total = tf.add(
            total,
            det.loss(trainingVideo(data, config.modality, video, T), rng).total,
          );
        }
        return tf.div(total, profile.batchVideos) as tf.Scalar;
      },
      progress: { label: `  cfad ${config.id} seed ${seed}` },
    });
    options.afterTraining?.(det);
    const tail = Array.from(
      summary.losses.slice(-Math.max(1, Math.round(summary.losses.length / 10))),
    );
    // the whole video is a TPN proposal on trimmed data only (spec S3)
    const wholeVideo = isTrimmed(data.train);
    const test = (options: CoarseToFineDetectOptions) =>
      evaluate(det, data, config.modality, T, { wholeVideo, ...options });
    const refine: Record<string, CfadEvaluation> = {
      none: test({ timestamps: { kind: 'none' } }),
    };
    for (const sigma of profile.sigmas) refine[`σ=${sigma}`] = test({ sigma });
    const selection: CfadModelResult['selection'] = [];
    if (config.selectionSweep)
      for (const alpha of profile.alphas) {
        const learned = test({ timestamps: { kind: 'learned', alpha } });
        selection.push({ kind: 'learned', alpha, evaluation: learned });
        const count = Math.round(learned.selected);
        const rng = createRng(seed);
        for (const choice of [
          { kind: 'uniform', count },
          { kind: 'random', count, rng },
        ] as TimestampChoice[])
          selection.push({
            kind: choice.kind as 'uniform' | 'random',
            alpha,
            evaluation: test({ timestamps: choice }),
          });
      }
    return {
      id: config.id,
      seed,
      config,
      train: {
        iterations: profile.iterations,
        finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
        wallMs: summary.wallMs,
      },
      parameters: {
        head: det.headParameters(),
        trunk: trunk.weights().reduce((n, w) => n + w.variable.size, 0),
      },
      refine,
      selection,
    };
  } finally {
    det.dispose();
  }
}
