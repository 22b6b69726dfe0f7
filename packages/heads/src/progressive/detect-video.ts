import type { ClipProposals, Proposal, VideoAnnotation } from '@tubekit/datasets';
import { tubeletNMS } from '@tubekit/geometry';
import { tf } from '@tubekit/nn';
import type { FrameReader } from './clip-window';
import type { DetectorInput, ProgressiveDetector, StepResult } from './progressive-detector';

/** Options of {@link detectVideo}. */
export interface DetectVideoOptions {
  /** Run steps 1…`upToStep` (default Smax): Table 1(a) evaluates every step of a model. */
  upToStep?: number;
  /** What `read` returns (default `'frames'`, pixels; `'backbone'`: stored backbone features). */
  input?: DetectorInput;
  /** Frames between consecutive target clips (default K: non-overlapping clips). */
  stride?: number;
  /** Clips per forward pass (default 8). */
  batchClips?: number;
  /** Per-class tubelet NMS threshold on mean per-frame IoU (default 0.3, ACT) and kept per class (default 5). */
  nmsThreshold?: number;
  topK?: number;
  /** Detections below this class score are dropped (default 0.01). */
  minScore?: number;
  /**
   * Called with every batch's raw step results and the target clips' first frames (e.g. for the
   * proposal–GT IoU distribution of each step's input, STEP Fig. 4).
   */
  onSteps?: (starts: number[], steps: StepResult[]) => void;
  /**
   * Called once per target clip with every proposal at every stage — `initial` (the M cuboids
   * of Algorithm 1) and `step 1 … step s` (after each step's update, Eq. 1; label and score of the
   * best action class) — in video pixels: STEP's Fig. 1/7, in the `tubekit-proposals` format of
   * `@tubekit/datasets` (`writeProposalsJson`). Frames of extended steps outside the video are
   * left out of each proposal.
   */
  onProposals?: (clip: ClipProposals) => void;
}

/** One detected tubelet of a clip, in video pixel coordinates. */
export interface ClipTubelet {
  /** First frame (1-based) of the K-frame target clip. */
  start: number;
  /** 0-based class. */
  label: number;
  score: number;
  /** `K × 4` boxes. */
  boxes: Float64Array;
}

/**
 * Runs a {@link ProgressiveDetector} over a whole video clip by clip (targets `1, 1+stride, …`,
 * with a last clip aligned to the video's end). The trunk's features are computed once for the
 * whole video, one map per frame; every clip window gathers its frames' rows from them (frames
 * beyond the ends repeat the border frame). Returns per-clip, per-class tubelets after
 * class-wise tubelet NMS, scaled back to the video's pixel coordinates — the input of ACT tubelet
 * linking (STEP §3.5) and, frame by frame, of frame-mAP.
 *
 * @example
 * const tubelets = detectVideo(det, video, read, { upToStep: 3 });
 */
export function detectVideo(
  detector: ProgressiveDetector,
  video: VideoAnnotation,
  read: FrameReader,
  options: DetectVideoOptions = {},
): ClipTubelet[] {
  return detectSteps(detector, video, read, options, false)[0] ?? [];
}

/**
 * {@link detectVideo}'s tubelets after every step `1…upToStep` of one pass (index s−1: the
 * detections of a model stopped after step s). Step s's outputs do not depend on the steps after
 * it, so this equals `detectVideo` with `upToStep: s` for each s, at the cost of one pass of all
 * steps instead of one pass per step (STEP Table 1(a) evaluates every step of a model).
 *
 * @example
 * const [afterStep1, afterStep2, afterStep3] = detectVideoByStep(det, video, read);
 */
export function detectVideoByStep(
  detector: ProgressiveDetector,
  video: VideoAnnotation,
  read: FrameReader,
  options: DetectVideoOptions = {},
): ClipTubelet[][] {
  return detectSteps(detector, video, read, options, true);
}

/** The tubelets of every step (`everyStep`) or of the last step only (one list). */
function detectSteps(
  detector: ProgressiveDetector,
  video: VideoAnnotation,
  read: FrameReader,
  options: DetectVideoOptions,
  everyStep: boolean,
): ClipTubelet[][] {
  const o = detector.options;
  const K = o.clipLength;
  const stride = options.stride ?? K;
  const batch = options.batchClips ?? 8;
  const C = o.numClasses;
  const M = detector.numProposals;
  const starts: number[] = [];
  for (let s = 1; s + K - 1 <= video.nframes; s += stride) starts.push(s);
  const lastStart = Math.max(1, video.nframes - K + 1);
  if (starts[starts.length - 1] !== lastStart) starts.push(lastStart);
  const sx = video.width / o.frameWidth;
  const sy = video.height / o.frameHeight;
  const upToStep = options.upToStep ?? o.steps;
  const nms = {
    iouThreshold: options.nmsThreshold ?? 0.3,
    topK: options.topK ?? 5,
    scoreThreshold: options.minScore ?? 0.01,
  };
  const out: ClipTubelet[][] = Array.from({ length: everyStep ? upToStep : 1 }, () => []);
  const Tw = detector.windowLength;
  const input = options.input ?? 'frames';
  const [h, w, ch] = detector.inputShape(input);
  const size = h * w * ch;
  const data = new Float32Array(video.nframes * size);
  for (let f = 1; f <= video.nframes; f++) {
    const frame = read(video, f);
    if (frame.length !== size)
      throw new Error(
        `detectVideo: frame ${f} of ${video.name} has ${frame.length} values, expected ${h}×${w}×${ch} = ${size}`,
      );
    data.set(frame, (f - 1) * size);
  }
  const frames = tf.tensor4d(data, [video.nframes, h, w, ch]);
  const features = detector.neckFeatures(frames, undefined, input);
  frames.dispose();
  try {
    for (let b0 = 0; b0 < starts.length; b0 += batch) {
      const group = starts.slice(b0, b0 + batch);
      const rows = new Int32Array(group.length * Tw);
      group.forEach((start, i) => {
        const first = start - (Tw - K) / 2;
        for (let t = 0; t < Tw; t++)
          rows[i * Tw + t] = Math.min(Math.max(first + t, 1), video.nframes) - 1;
      });
      const steps = detector.run({ features, rows }, upToStep);
      options.onSteps?.(group, steps);
      const { onProposals } = options;
      if (onProposals)
        group.forEach((start, b) => {
          onProposals(clipProposals(detector, video, start, b, steps, sx, sy));
        });
      const tubelets = new Float64Array(M * K * 4);
      const scores = new Float64Array(M);
      (everyStep ? steps : steps.slice(-1)).forEach((step, s) => {
        group.forEach((start, b) => {
          for (let c = 0; c < C; c++) {
            for (let m = 0; m < M; m++) {
              const n = b * M + m;
              scores[m] = step.probs[n * (C + 1) + c + 1];
              for (let k = 0; k < K; k++)
                for (let j = 0; j < 4; j++)
                  tubelets[(m * K + k) * 4 + j] = step.classBoxes[((n * K + k) * C + c) * 4 + j];
            }
            const kept = tubeletNMS(tubelets, K, scores, nms);
            for (const m of kept.keep) {
              const boxes = new Float64Array(K * 4);
              for (let k = 0; k < K; k++) {
                const src = (m * K + k) * 4;
                boxes[k * 4] = tubelets[src] * sx;
                boxes[k * 4 + 1] = tubelets[src + 1] * sy;
                boxes[k * 4 + 2] = tubelets[src + 2] * sx;
                boxes[k * 4 + 3] = tubelets[src + 3] * sy;
              }
              out[s].push({ start, label: c, score: scores[m], boxes });
            }
          }
        });
      });
    }
  } finally {
    features.dispose();
  }
  return out;
}

/**
 * The proposals of clip `b` of a batch at every stage, in video pixels (frames inside the video
 * only); see {@link DetectVideoOptions.onProposals}.
 */
function clipProposals(
  detector: ProgressiveDetector,
  video: VideoAnnotation,
  clipStart: number,
  b: number,
  steps: StepResult[],
  sx: number,
  sy: number,
): ClipProposals {
  const K = detector.options.clipLength;
  const C = detector.options.numClasses;
  const M = detector.numProposals;
  const stage = (
    name: string,
    T: number,
    boxes: Float64Array,
    offset: number,
    probs?: Float32Array,
  ) => {
    const first = clipStart - (T - K) / 2;
    const from = Math.max(0, 1 - first);
    const to = Math.min(T, video.nframes - first + 1);
    const proposals: Proposal[] = [];
    for (let m = 0; m < M; m++) {
      const out = new Float64Array(4 * (to - from));
      for (let t = from; t < to; t++) {
        const src = ((offset + m) * T + t) * 4;
        out[4 * (t - from)] = boxes[src]! * sx;
        out[4 * (t - from) + 1] = boxes[src + 1]! * sy;
        out[4 * (t - from) + 2] = boxes[src + 2]! * sx;
        out[4 * (t - from) + 3] = boxes[src + 3]! * sy;
      }
      const p: Proposal = { start: first + from, boxes: out };
      if (probs) {
        let best = 0;
        for (let c = 1; c < C; c++)
          if (probs[(offset + m) * (C + 1) + c + 1]! > probs[(offset + m) * (C + 1) + best + 1]!)
            best = c;
        p.label = best;
        p.score = probs[(offset + m) * (C + 1) + best + 1]!;
      }
      proposals.push(p);
    }
    return { name, proposals };
  };
  return {
    video: video.name,
    start: clipStart,
    length: K,
    stages: [
      stage('initial', detector.lengthAt(1), detector.proposals0, 0),
      ...steps.map((s) => stage(`step ${s.step}`, s.length, s.boxes, b * M, s.probs)),
    ],
  };
}
