import type { TubeIoUConvention } from '@tubekit/geometry';

/** Names of the built-in evaluation protocols (`spec/metrics.md`). */
export type ProtocolName =
  | 'act'
  | 'voc'
  | 'singh'
  | 'yowo'
  | 'ava-2018'
  | 'ava-2019'
  | 'ava-2020'
  | 'mmaction2';

/** Every built-in protocol name, in the order of the protocol table. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = [
  'act',
  'voc',
  'singh',
  'yowo',
  'ava-2018',
  'ava-2019',
  'ava-2020',
  'mmaction2',
];

/**
 * When an IoU counts as a match: `'at-least'` is `IoU ≥ th` (ACT, VOC, YOWO, AVA, Singh's frame
 * evaluator); `'above'` is `IoU > th` (Singh's video evaluator, `ioumax > iou_th`).
 */
export type ThresholdTest = 'at-least' | 'above';

/**
 * What a detection matches, processing detections by descending score:
 * - `'best-remaining'` (ACT `np.delete`, Singh `covered_gt_tubes`): the GT with the highest IoU
 *   among those not yet matched, so a duplicate can still match a second GT;
 * - `'best-overall'` (VOC devkit, TF object-detection API, MultiSports): the GT with the highest
 *   IoU among all of them; if that GT is already matched the detection is a false positive.
 */
export type DuplicateRule = 'best-remaining' | 'best-overall';

/**
 * How AP is read off the PR curve:
 * - `'trapezoid'` (ACT `pr_to_ap`): trapezoid rule over the raw PR points, starting at
 *   (recall 0, precision 1);
 * - `'voc-all-point'` (VOC 2010+ devkit, `voc_ap`, `xVOCap`, TF OD API): sentinels (0, 0) and
 *   (1, 0), monotone precision envelope, sum of envelope × recall steps.
 */
export type APRule = 'trapezoid' | 'voc-all-point';

/**
 * Which labels enter the mean:
 * - `'all-labels'`: every label of the dataset; a label without GT scores 0 (ACT; Singh, whose
 *   NaN APs become 0);
 * - `'labels-with-gt'`: labels with at least one GT instance (VOC, YOWO, AVA `nanmean`);
 * - `'labels-with-gt-and-detections'`: labels with GT and at least one evaluated detection
 *   (mmaction2's AVA evaluator).
 */
export type MeanRule = 'all-labels' | 'labels-with-gt' | 'labels-with-gt-and-detections';

/**
 * Which frames a frame-mAP evaluates: `'all'` — every frame of every evaluated video (a detection
 * on a frame without GT is a false positive); `'annotated'` — only frames where the video has at
 * least one GT box of any label (YOWO evaluates its list of annotated frames); other detections
 * are ignored.
 */
export type FrameSelection = 'all' | 'annotated';

/** How boxes are compared at the frame level. */
export interface FrameBoxRules {
  /** Inclusive-pixel areas and overlaps, `(x2 − x1 + 1)(y2 − y1 + 1)` (ACT, VOC devkit, Padilla). */
  pixelInclusive: boolean;
  /**
   * Padilla's `_boxesIntersect` (YOWO's frame evaluator): boxes that do not touch in continuous
   * coordinates (a gap, even sub-pixel) have IoU 0 before the +1 area formula is applied.
   */
  requireContinuousContact: boolean;
  /** Added to every detection coordinate before the IoU (Singh: +1, 1-based MATLAB boxes). */
  detectionOffset: number;
  /** Round boxes to float32 before the IoU (mmaction2 keeps boxes in `np.float32`). */
  float32Boxes: boolean;
  threshold: ThresholdTest;
  duplicates: DuplicateRule;
  frames: FrameSelection;
  /** Keep frame-level precision and recall in float32 before the AP (ACT's `np.float32` PR array). */
  float32PR: boolean;
}

/** How tubes are compared at the video level. */
export interface VideoTubeRules {
  /** Temporal IoU convention of `tubeIoU` (see `@tubekit/geometry` `TubeIoUConvention`). */
  temporal: TubeIoUConvention;
  /** Per-frame spatial IoU in inclusive pixels. */
  pixelInclusive: boolean;
  /** Added to every detected-tube coordinate before the IoU (Singh: +1). */
  detectionOffset: number;
  threshold: ThresholdTest;
  duplicates: DuplicateRule;
  /**
   * Per-video, per-label greedy tube NMS applied to the detections before evaluation (ACT
   * `nms3dt(tubes, 0.3)`: keep when tube IoU ≤ the value), or `null` for none.
   */
  tubeNMS: number | null;
  /** Added to the recall denominator (YOWO: `tp + fn + 1e-5`). */
  recallEpsilon: number;
  /**
   * Keep video-level precision and recall in float32 before the AP (ACT's `videoAP` and YOWO's
   * `video_ap_one_class` store them in an `np.float32` array).
   */
  float32PR: boolean;
}

/** AVA-specific choices of the official script's versions and of mmaction2's port. */
export interface AvaRules {
  /** Whether an exclusions CSV (`video_id, timestamp`) is accepted (not by the 2020 script). */
  acceptsExclusions: boolean;
  /** GT rows on excluded keyframes: `'ignored'` (official) or `'counted'` towards recall (mmaction2). */
  excludedGroundTruth: 'ignored' | 'counted';
  /**
   * Keyframes evaluated:
   * - `'ground-truth-or-detected'` (2018, 2019): keyframes with GT and keyframes with detections
   *   (detections on keyframes without GT are false positives);
   * - `'listed'` (2020): keyframes the GT file lists by any row (2-column rows, actions outside
   *   the labelmap too); detections elsewhere are ignored;
   * - `'with-ground-truth'` (mmaction2): keyframes with a GT row whose action is in the labelmap.
   */
  keyframes: 'ground-truth-or-detected' | 'listed' | 'with-ground-truth';
  /**
   * Keep only the top-N detections per keyframe (2019 and 2020: 50; `heapq` over the rows in file
   * order, a row replaces the smallest kept tuple only with a strictly greater score); 0 = no cap.
   */
  topKPerKeyframe: number;
  /** Detections with x2 ≤ x1 or y2 ≤ y1: dropped before matching (official) or false positives (mmaction2). */
  degenerateDetections: 'drop' | 'false-positive';
  /** Whether timestamps may carry a fractional part (2020); otherwise they must be integers. */
  fractionalTimestamps: boolean;
}

/**
 * One evaluation protocol: every choice that makes published evaluators disagree, as data. All
 * metric functions take a profile; the built-in ones reproduce the reference evaluators named in
 * {@link ProtocolProfile.reference}, and a custom profile is a spread of one of them.
 *
 * @example
 * ```ts
 * import { actProtocol, type ProtocolProfile } from '@tubekit/metrics';
 * const strictAct: ProtocolProfile = {
 *   ...actProtocol,
 *   name: 'act-strict',
 *   video: { ...actProtocol.video, threshold: 'above' },
 * };
 * ```
 */
export interface ProtocolProfile {
  /** Name printed in every report (`'act'`, `'voc'`, … or a custom name). */
  name: string;
  /** The reference evaluator this profile reproduces. */
  reference: string;
  frame: FrameBoxRules;
  video: VideoTubeRules;
  ap: APRule;
  /** Rank by scores rounded to float32 (Singh's `zeros(…, 'single')` score store). */
  float32Scores: boolean;
  mean: MeanRule;
  /** AVA keyframe rules; `null` for profiles that do not evaluate AVA CSVs. */
  ava: AvaRules | null;
}

/**
 * ACT / MOC (Kalogeiton et al. 2017, `ACT_utils.py` `frameAP`, `videoAP`): inclusive pixels,
 * temporal IoU `(∩+1)/(∪+1)`, `≥ th`, matched GT removed from the pool, trapezoid AP over raw
 * float32 PR points, mean over all labels, per-video tube NMS at 0.3 before video-mAP.
 */
export const actProtocol: ProtocolProfile = {
  name: 'act',
  reference: 'ACT/MOC ACT_utils.py frameAP/videoAP (Kalogeiton et al., ICCV 2017)',
  frame: {
    pixelInclusive: true,
    requireContinuousContact: false,
    detectionOffset: 0,
    float32Boxes: false,
    threshold: 'at-least',
    duplicates: 'best-remaining',
    frames: 'all',
    float32PR: true,
  },
  video: {
    temporal: 'act',
    pixelInclusive: true,
    detectionOffset: 0,
    threshold: 'at-least',
    duplicates: 'best-remaining',
    tubeNMS: 0.3,
    recallEpsilon: 0,
    float32PR: true,
  },
  ap: 'trapezoid',
  float32Scores: false,
  mean: 'all-labels',
  ava: null,
};

/**
 * MultiSports evaluator (Li et al. 2021, `evaluate_multisports.py`) and mmaction2's port:
 * continuous boxes, temporal IoU `∩/∪`, `≥ th`, VOC duplicate rule, VOC all-point AP, mean over
 * labels with GT.
 */
export const vocProtocol: ProtocolProfile = {
  name: 'voc',
  reference: 'MultiSports evaluate_multisports.py frameAP/videoAP (and the mmaction2 port)',
  frame: {
    pixelInclusive: false,
    requireContinuousContact: false,
    detectionOffset: 0,
    float32Boxes: false,
    threshold: 'at-least',
    duplicates: 'best-overall',
    frames: 'all',
    float32PR: false,
  },
  video: {
    temporal: 'voc',
    pixelInclusive: false,
    detectionOffset: 0,
    threshold: 'at-least',
    duplicates: 'best-overall',
    tubeNMS: null,
    recallEpsilon: 0,
    float32PR: false,
  },
  ap: 'voc-all-point',
  float32Scores: false,
  mean: 'labels-with-gt',
  ava: null,
};

/**
 * Singh et al.'s corrected UCF101-24 MATLAB evaluator (`get_PR_curve.m`, `xVOCap.m`): continuous
 * `rectint` areas on 1-based boxes (detections shifted by +1), temporal IoU 0 if ∩ ≤ 0 else
 * `(∩+1)/(∪+1)`, video match `IoU > th` (frame `≥`), not-yet-covered GT, VOC all-point AP on
 * single-precision scores, mean over all classes with NaN → 0.
 */
export const singhProtocol: ProtocolProfile = {
  name: 'singh',
  reference: 'Singh et al. corrected UCF101-24 evaluator (get_PR_curve.m, xVOCap.m)',
  frame: {
    pixelInclusive: false,
    requireContinuousContact: false,
    detectionOffset: 1,
    float32Boxes: false,
    threshold: 'at-least',
    duplicates: 'best-remaining',
    frames: 'all',
    float32PR: false,
  },
  video: {
    temporal: 'singh',
    pixelInclusive: false,
    detectionOffset: 1,
    threshold: 'above',
    duplicates: 'best-remaining',
    tubeNMS: null,
    recallEpsilon: 0,
    float32PR: false,
  },
  ap: 'voc-all-point',
  float32Scores: true,
  mean: 'all-labels',
  ava: null,
};

/**
 * YOWO / YOWOv2 (Köpüklü et al.): frame-mAP by Padilla's Object-Detection-Metrics on annotated
 * frames only (+1 areas, but boxes without continuous contact have IoU 0, VOC duplicate rule);
 * video-mAP by YOWO's `video_mAP.py` → `core/eval_results.py` `video_ap_one_class` with
 * `bTemporal=True` (commit 9d202c1): `iou3dt` with inclusive frame counts, 0 if tmax ≤ tmin, and
 * +1 pixel `area2d`/`overlap2d`; the best remaining GT at `IoU ≥ th`; recall denominator
 * `tp + fn + 1e-5`; precision and recall stored in float32 before `voc_ap`. YOWO links (and
 * `nms_3d`s) the tubes inside its evaluator: produce them with `YOWO_LINKING` of
 * `@tubekit/linking`. VOC all-point AP; mean over labels with GT.
 */
export const yowoProtocol: ProtocolProfile = {
  name: 'yowo',
  reference: "YOWO frame_mAP (Padilla's Object-Detection-Metrics) and video_mAP.py",
  frame: {
    pixelInclusive: true,
    requireContinuousContact: true,
    detectionOffset: 0,
    float32Boxes: false,
    threshold: 'at-least',
    duplicates: 'best-overall',
    frames: 'annotated',
    float32PR: false,
  },
  video: {
    temporal: 'yowo',
    pixelInclusive: true,
    detectionOffset: 0,
    threshold: 'at-least',
    duplicates: 'best-remaining',
    tubeNMS: null,
    recallEpsilon: 1e-5,
    float32PR: true,
  },
  ap: 'voc-all-point',
  float32Scores: false,
  mean: 'labels-with-gt',
  ava: null,
};

const avaFrame: FrameBoxRules = {
  pixelInclusive: false,
  requireContinuousContact: false,
  detectionOffset: 0,
  float32Boxes: false,
  threshold: 'at-least',
  duplicates: 'best-overall',
  frames: 'all',
  float32PR: false,
};

const avaBase = {
  frame: avaFrame,
  video: vocProtocol.video,
  ap: 'voc-all-point',
  float32Scores: false,
  mean: 'labels-with-gt',
} as const satisfies Partial<ProtocolProfile>;

/**
 * AVA v2.1 official `get_ava_performance.py` (ActivityNet 2018, TF object-detection API
 * `PascalDetectionEvaluator`): VOC matching at 0.5 per keyframe, exclusions drop GT and
 * detections, detections on keyframes without GT are false positives, degenerate boxes dropped,
 * no cap, `nanmean` over classes with GT.
 */
export const ava2018Protocol: ProtocolProfile = {
  ...avaBase,
  name: 'ava-2018',
  reference: 'ActivityNet 2018 get_ava_performance.py (TF OD API PascalDetectionEvaluator)',
  ava: {
    acceptsExclusions: true,
    excludedGroundTruth: 'ignored',
    keyframes: 'ground-truth-or-detected',
    topKPerKeyframe: 0,
    degenerateDetections: 'drop',
    fractionalTimestamps: false,
  },
};

/** AVA official script, 2019 version: as {@link ava2018Protocol} plus a top-50 cap per keyframe (`heapq`). */
export const ava2019Protocol: ProtocolProfile = {
  ...avaBase,
  name: 'ava-2019',
  reference: 'ActivityNet 2019 get_ava_performance.py (capacity 50 per keyframe)',
  ava: { ...ava2018Protocol.ava!, topKPerKeyframe: 50 },
};

/**
 * AVA official script, 2020 version (AVA-Kinetics): no exclusions file; a 2-column GT row lists a
 * keyframe without boxes; detections on keyframes the GT never lists are ignored; fractional
 * timestamps allowed; and, as in 2019, only the top 50 detections per keyframe are kept (the
 * script reads them with `read_csv(detections, class_whitelist, 50)`, the same `heapq` cap).
 */
export const ava2020Protocol: ProtocolProfile = {
  ...avaBase,
  name: 'ava-2020',
  reference: 'ActivityNet 2020 get_ava_performance.py (AVA-Kinetics; capacity 50 per keyframe)',
  ava: {
    acceptsExclusions: false,
    excludedGroundTruth: 'ignored',
    keyframes: 'listed',
    topKPerKeyframe: ava2019Protocol.ava!.topKPerKeyframe,
    degenerateDetections: 'drop',
    fractionalTimestamps: true,
  },
};

/**
 * mmaction2's AVA evaluator (`ava_utils.py` `ava_eval`): only keyframes with GT in the labelmap
 * are evaluated, GT on excluded keyframes still counts towards recall, degenerate detections are
 * false positives, float32 boxes, and a class enters the mean only with GT and ≥ 1 detection.
 */
export const mmaction2Protocol: ProtocolProfile = {
  ...avaBase,
  name: 'mmaction2',
  reference: 'mmaction2 mmaction/evaluation/functional/ava_utils.py ava_eval',
  frame: { ...avaFrame, float32Boxes: true },
  mean: 'labels-with-gt-and-detections',
  ava: {
    acceptsExclusions: true,
    excludedGroundTruth: 'counted',
    keyframes: 'with-ground-truth',
    topKPerKeyframe: 0,
    degenerateDetections: 'false-positive',
    fractionalTimestamps: false,
  },
};

/**
 * The built-in profile of a protocol name (a `switch`, so bundlers keep only what is used).
 *
 * @throws RangeError naming the accepted names when `name` is not one of them.
 * @example
 * ```ts
 * protocolProfile('act').video.tubeNMS; // 0.3
 * ```
 */
export function protocolProfile(name: ProtocolName | string): ProtocolProfile {
  switch (name) {
    case 'act':
      return actProtocol;
    case 'voc':
      return vocProtocol;
    case 'singh':
      return singhProtocol;
    case 'yowo':
      return yowoProtocol;
    case 'ava-2018':
      return ava2018Protocol;
    case 'ava-2019':
      return ava2019Protocol;
    case 'ava-2020':
      return ava2020Protocol;
    case 'mmaction2':
      return mmaction2Protocol;
    default:
      throw new RangeError(
        `unknown protocol ${JSON.stringify(name)}; expected one of ${PROTOCOL_NAMES.join(', ')}`,
      );
  }
}
