import type { VideoAnnotation } from '@tubekit/datasets';
import {
  boxIoU,
  type DetectedTube,
  emptyFrameDetections,
  type FrameDetections,
} from '@tubekit/geometry';
import {
  type ActionnessClassifiers,
  type CrossStreamDetector,
  type FrameBoxes,
  type StageResult,
  type Stream,
  unionFrameOutput,
} from '@tubekit/heads/cross-stream';
import {
  type ActionnessTrimmingOptions,
  actionnessTrimming,
  linkOnline,
  PCSC_TRIMMING,
  rescoreAlongTubes,
  SINGH_ONLINE_LINKING,
  type TubeRescoringOptions,
} from '@tubekit/linking';
import { actProtocol, frameMeanAP, videoMeanAP } from '@tubekit/metrics';
import { tf, tidyValues } from '@tubekit/nn';
import { type BenchVideo, frameGroundTruth } from './bench-data';
import {
  disposeInput,
  type LevelStacks,
  type StreamTrunks,
  sliceInput,
  videoInput,
} from './video-features';

/** IoU thresholds of Tables 1–4 (spec §4). */
export const TABLE_IOUS = [0.2, 0.5, 0.75, '0.5:0.95'] as const;
/** Key frames per detector pass. */
const CHUNK = 8;

/** Everything the detector gave on one video. */
export interface VideoRun {
  video: BenchVideo;
  /** Per stage t, per frame: the frame output (union of stages 0…t, per-class NMS). */
  frameOutputs: FrameBoxes[][];
  /** Per head pass (stage 0 RGB, stage 0 Flow, stage 1, …): GT boxes hit by a proposal at IoU ≥ 0.5, and GT boxes. */
  recall: { hit: number; total: number }[];
  /** The head passes' names, `t/stream`. */
  passes: string[];
  /**
   * Per stream, per frame: its stage-0 head's detections alone (what each stream finds without
   * the other; {@link streamFrameAps}). Absent in runs assembled from other runs' outputs.
   */
  streamOutputs?: Record<Stream, FrameBoxes[]>;
}

function proposalHits(
  stage: StageResult,
  video: VideoAnnotation,
  first: number,
): { hit: number; total: number } {
  let hit = 0;
  let total = 0;
  stage.proposals.forEach((p, b) => {
    const gt = frameGroundTruth(video, first + b);
    const G = gt.labels.length;
    total += G;
    for (let g = 0; g < G; g++) {
      const box = gt.boxes.subarray(4 * g, 4 * g + 4);
      for (let i = 0; i < p.scores.length; i++)
        if (boxIoU(p.boxes.subarray(4 * i, 4 * i + 4), box) >= 0.5) {
          hit++;
          break;
        }
    }
  });
  return { hit, total };
}

/** Callbacks of {@link runVideo}. */
export interface RunVideoHooks {
  /** The video's key-frame maps and the run, before the maps are freed (linking, actionness features). */
  keep?: (input: ReturnType<typeof videoInput>, run: VideoRun) => void;
  /** Every head pass of a chunk of frames, the chunk's first frame 1-based (diagnostics per pass). */
  onStages?: (stages: readonly StageResult[], firstFrame: number) => void;
}

/**
 * Runs the detector on every frame of a video (each frame a key frame), giving the frame output of
 * every stage and the proposals' recall per head pass.
 */
export function runVideo(
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  video: BenchVideo,
  stacks: LevelStacks,
  hooks: RunVideoHooks = {},
): VideoRun {
  const T = video.annotation.nframes;
  const input = videoInput(
    trunks,
    video,
    Array.from({ length: T }, (_, i) => i + 1),
    stacks,
  );
  const stagesCount = det.options.stages + 1;
  const run: VideoRun = {
    video,
    frameOutputs: Array.from({ length: stagesCount }, () => []),
    recall: [],
    passes: [],
    streamOutputs: { rgb: [], flow: [] },
  };
  try {
    for (let from = 0; from < T; from += CHUNK) {
      const n = Math.min(CHUNK, T - from);
      const chunk = sliceInput(input, from, n);
      const stages = det.detect(chunk);
      disposeInput(chunk);
      hooks.onStages?.(stages, from + 1);
      if (run.passes.length === 0) {
        run.passes = stages.map((s) => `${s.stage}/${s.stream}`);
        run.recall = stages.map(() => ({ hit: 0, total: 0 }));
      }
      stages.forEach((s, i) => {
        const r = proposalHits(s, video.annotation, from + 1);
        run.recall[i]!.hit += r.hit;
        run.recall[i]!.total += r.total;
      });
      for (let b = 0; b < n; b++) {
        for (let t = 0; t < stagesCount; t++)
          run.frameOutputs[t]!.push(
            unionFrameOutput(
              stages.filter((s) => s.stage <= t).map((s) => s.detections[b]!),
              det.options.frameOutput,
            ),
          );
        for (const s of stages)
          if (s.stage === 0)
            run.streamOutputs![s.stream].push(
              unionFrameOutput([s.detections[b]!], det.options.frameOutput),
            );
      }
    }
    hooks.keep?.(input, run);
  } finally {
    disposeInput(input);
  }
  return run;
}

/** The frame detections of several videos' runs at stage t (0-based labels), sorted by frame. */
export function frameDetectionsAt(runs: readonly VideoRun[], t: number): FrameDetections {
  const videos = runs.map((r) => r.video.annotation.name);
  const rows: { v: number; f: number; l: number; s: number; b: ArrayLike<number> }[] = [];
  runs.forEach((r, v) => {
    r.frameOutputs[t]!.forEach((out, i) => {
      for (let j = 0; j < out.scores.length; j++)
        rows.push({
          v,
          f: i + 1,
          l: out.labels[j]! - 1,
          s: out.scores[j]!,
          b: out.boxes.subarray(4 * j, 4 * j + 4),
        });
    });
  });
  const n = rows.length;
  const dets = emptyFrameDetections(videos, n);
  rows.forEach((r, i) => {
    dets.videoIndex[i] = r.v;
    dets.frame[i] = r.f;
    dets.label[i] = r.l;
    dets.score[i] = r.s;
    dets.boxes.set(r.b, 4 * i);
  });
  return dets;
}

/**
 * Frame-mAP (%) at each of {@link TABLE_IOUS} of the stage-t frame output, `act` protocol.
 * With `alongTubes`, the output is first rescored along the tubes linked from it
 * (`rescoreAlongTubes`: each box the linker took gets the mean of its tube's per-frame scores
 * within the window): an analysis of how much temporal context adds to the per-frame naming,
 * not part of PCSC.
 *
 * @param alongTubes - the tubes of every run's video, linked from the same stage's output
 *   ({@link linkRun}), and the rescoring's window.
 */
export function frameMaps(
  labels: string[],
  runs: readonly VideoRun[],
  t: number,
  alongTubes?: { tubes: readonly DetectedTube[]; rescoring: TubeRescoringOptions },
): Record<string, number> {
  const detections = frameDetectionsAt(runs, t);
  return frameAps(
    labels,
    runs.map((x) => x.video.annotation),
    alongTubes ? rescoreAlongTubes(detections, alongTubes.tubes, alongTubes.rescoring) : detections,
  );
}

/**
 * Frame-AP (%) of each class at IoU 0.5 of the stage-t frame output, `act` protocol, keyed by
 * label in label order: which classes the frame-mAP@0.5 ({@link frameMaps}, their mean: the
 * protocol averages over every label, one without GT box in `runs` at 0) loses.
 */
export function frameClassAps(
  labels: string[],
  runs: readonly VideoRun[],
  t: number,
): Record<string, number> {
  const r = frameMeanAP(
    { labels, videos: runs.map((x) => x.video.annotation) },
    frameDetectionsAt(runs, t),
    { protocol: actProtocol, iou: [0.5] },
  );
  return Object.fromEntries(
    r.results[0]!.classes.map((c) => [c.label, 100 * (c.ap ?? Number.NaN)]),
  );
}

/** Frame-mAP (%) of detections at each of {@link TABLE_IOUS}, `act` protocol. */
function frameAps(
  labels: string[],
  videos: VideoAnnotation[],
  detections: FrameDetections,
): Record<string, number> {
  const r = frameMeanAP({ labels, videos }, detections, {
    protocol: actProtocol,
    iou: [...TABLE_IOUS],
  });
  return Object.fromEntries(r.results.map((x) => [String(x.iou), 100 * x.mAP]));
}

/**
 * Class-agnostic frame-AP (%) at each of {@link TABLE_IOUS}, `act` protocol: every detection and
 * GT tube relabelled as one class "actor" (does the detector find and localise the acting actors,
 * whatever it names them?). Duplicates that per-class NMS kept under different classes count as
 * false positives.
 */
export function classAgnosticFrameAps(
  runs: readonly VideoRun[],
  t: number,
): Record<string, number> {
  const dets = frameDetectionsAt(runs, t);
  dets.label.fill(0);
  const videos = runs.map((r) => ({
    ...r.video.annotation,
    tubes: r.video.annotation.tubes.map((tube) => ({ ...tube, label: 0 })),
  }));
  return frameAps(['actor'], videos, dets);
}

/**
 * Class-agnostic frame-AP (%) of one stream's stage-0 head alone, at every IoU of Tables 1–4:
 * how well the stream finds the acting actors without the other stream's help.
 */
export function streamFrameAps(runs: readonly VideoRun[], stream: Stream): Record<string, number> {
  return classAgnosticFrameAps(
    runs.map((r) => {
      if (!r.streamOutputs)
        throw new Error(
          `streamFrameAps: the run of ${r.video.annotation.name} kept no stream outputs`,
        );
      return { ...r, frameOutputs: [r.streamOutputs[stream]] };
    }),
    0,
  );
}

/** Video-mAP (%) at each of {@link TABLE_IOUS}, `act` protocol. */
export function videoMaps(
  labels: string[],
  videos: readonly VideoAnnotation[],
  tubes: DetectedTube[],
): Record<string, number> {
  const r = videoMeanAP({ labels, videos }, tubes, { protocol: actProtocol, iou: [...TABLE_IOUS] });
  return Object.fromEntries(r.results.map((x) => [String(x.iou), 100 * x.mAP]));
}

/** Singh's online linking (spec S8, no temporal labelling) of a run's final-stage detections. */
export function linkRun(run: VideoRun): DetectedTube[] {
  const last = run.frameOutputs.length - 1;
  return linkOnline(frameDetectionsAt([run], last), SINGH_ONLINE_LINKING);
}

/** Per tube box: its row features (`boxFeatures`) and whether it overlaps its class's GT by > 0.5. */
export interface ActionnessSamples {
  features: Float32Array[];
  classes: number[];
  labels: number[];
}

/** Actionness features of every box of `tubes` on a video, from its kept key-frame maps. */
export function tubeBoxFeatures(
  det: CrossStreamDetector,
  input: ReturnType<typeof videoInput>,
  tubes: readonly DetectedTube[],
): Float32Array[] {
  const boxes: number[] = [];
  const frames: number[] = [];
  for (const tube of tubes)
    for (let i = 0; i < tube.boxes.length / 4; i++) {
      boxes.push(...tube.boxes.subarray(4 * i, 4 * i + 4));
      frames.push(tube.start + i - 1);
    }
  if (frames.length === 0) return [];
  const data = tidyValues(() => det.boxFeatures(input, Float64Array.from(boxes), frames));
  const D = det.boxFeatureWidth;
  return frames.map((_, i) => data.slice(i * D, (i + 1) * D) as Float32Array);
}

/** Box features (`boxFeatures` rows of equal width) stacked into one `[N, D]` tensor. */
export function boxFeatureMatrix(features: readonly Float32Array[]): tf.Tensor2D {
  const D = features[0]?.length ?? 0;
  const flat = new Float32Array(features.length * D);
  for (const [i, f] of features.entries()) flat.set(f, i * D);
  return tf.tensor2d(flat, [features.length, D]);
}

/** Each box's actionness under its 1-based class's classifier (`classes[i]` for `features[i]`). */
export function actionnessOf(
  classifiers: ActionnessClassifiers,
  features: readonly Float32Array[],
  classes: readonly number[],
): Float64Array {
  const x = boxFeatureMatrix(features);
  try {
    return classifiers.probabilities(x, classes);
  } finally {
    x.dispose();
  }
}

/**
 * Training samples of the actionness classifiers (spec S9): boxes of tubes linked on a training
 * video, labelled 1 when they overlap a GT box of the tube's class on that frame by IoU > 0.5.
 */
export function actionnessSamples(
  det: CrossStreamDetector,
  trunks: StreamTrunks,
  video: BenchVideo,
  stacks: LevelStacks,
  into: ActionnessSamples,
): void {
  let features: Float32Array[] = [];
  let tubes: DetectedTube[] = [];
  runVideo(det, trunks, video, stacks, {
    keep: (input, run) => {
      tubes = linkRun(run);
      features = tubeBoxFeatures(det, input, tubes);
    },
  });
  let r = 0;
  for (const tube of tubes)
    for (let i = 0; i < tube.boxes.length / 4; i++, r++) {
      const gt = frameGroundTruth(video.annotation, tube.start + i);
      let label = 0;
      for (let g = 0; g < gt.labels.length; g++)
        if (
          gt.labels[g] === tube.label + 1 &&
          boxIoU(gt.boxes.subarray(4 * g, 4 * g + 4), tube.boxes.subarray(4 * i, 4 * i + 4)) > 0.5
        )
          label = 1;
      into.features.push(features[r]!);
      into.classes.push(tube.label + 1);
      into.labels.push(label);
    }
}

/** Each box's actionness under its tube's class's classifier, one array per tube. */
function tubeActionness(
  det: CrossStreamDetector,
  classifiers: ActionnessClassifiers,
  input: ReturnType<typeof videoInput>,
  tubes: readonly DetectedTube[],
): Float64Array[] {
  const classes: number[] = [];
  for (const t of tubes) for (let i = 0; i < t.boxes.length / 4; i++) classes.push(t.label + 1);
  const p = actionnessOf(classifiers, tubeBoxFeatures(det, input, tubes), classes);
  let o = 0;
  return tubes.map((t) => {
    const n = t.boxes.length / 4;
    const a = p.subarray(o, o + n);
    o += n;
    return a;
  });
}

/** The ways TR cuts a tube (`actionnessTrimming`'s `cut`): at interior drops too, or its ends only. */
export type TrimCut = NonNullable<ActionnessTrimmingOptions['cut']>;

/**
 * Temporal refinement of a video's tubes (spec S9): each box scored once by its class's
 * actionness classifier, then `actionnessTrimming` (window 5, threshold 0.5) for each of `cuts`:
 * splitting at interior drops, or cutting the ends only.
 */
export function refineTubes<C extends TrimCut>(
  det: CrossStreamDetector,
  classifiers: ActionnessClassifiers,
  input: ReturnType<typeof videoInput>,
  tubes: readonly DetectedTube[],
  cuts: readonly C[],
): Record<C, DetectedTube[]> {
  const actionness = tubes.length === 0 ? [] : tubeActionness(det, classifiers, input, tubes);
  const refined = {} as Record<C, DetectedTube[]>;
  for (const cut of cuts)
    refined[cut] = actionnessTrimming(tubes, { ...PCSC_TRIMMING, cut }, actionness);
  return refined;
}
