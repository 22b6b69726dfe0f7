import { boxIoUAt } from '@tubekit/geometry';
import { ClassScores } from './class-scores';
import { IssueTracker } from './input-issues';
import { parseIoUEntries } from './iou-thresholds';
import { matchRanked } from './match';
import { type MeanAPResult, summarise } from './mean-ap';
import type { ProtocolProfile } from './protocol';

/**
 * Rows of an official AVA CSV, columnar (structurally `AvaCsvRows` of `@tubekit/datasets`):
 * video, keyframe timestamp (seconds), normalised box `[x1, y1, x2, y2]`, AVA action id (−1 on a
 * 2-column "keyframe listed, no boxes" GT row) and score (1 for GT).
 */
export interface AvaRowsInput {
  videos: readonly string[];
  videoIndex: Int32Array;
  timestamp: Float64Array;
  boxes: Float64Array;
  action: Int32Array;
  score: Float64Array;
  length: number;
}

/** Keyframes of an exclusions CSV (structurally `AvaKeyframes` of `@tubekit/datasets`). */
export interface AvaKeyframesInput {
  videos: readonly string[];
  timestamp: Float64Array;
  length: number;
}

/** A labelmap entry (structurally `AvaLabel` of `@tubekit/datasets`). */
export interface AvaLabelInput {
  id: number;
  name: string;
}

/** The inputs of {@link avaFrameMeanAP}. */
export interface AvaEvaluationInput {
  groundTruth: AvaRowsInput;
  detections: AvaRowsInput;
  /** The classes evaluated, in report order; rows with other action ids are dropped. */
  labelmap: readonly AvaLabelInput[];
  /** Excluded keyframes (not accepted by `ava-2020`). */
  exclusions?: AvaKeyframesInput;
}

/** Options of {@link avaFrameMeanAP}. */
export interface AvaMeanAPOptions {
  /** An AVA profile: `ava2018Protocol`, `ava2019Protocol`, `ava2020Protocol` or `mmaction2Protocol`. */
  protocol: ProtocolProfile;
  /** IoU thresholds (default `[0.5]`, the official one). */
  iou?: ReadonlyArray<number | string>;
  /** Skip and count bad detections (NaN/negative scores, fractional timestamps where not allowed) instead of throwing. */
  lenient?: boolean;
  /** Attach PR curves. */
  curves?: boolean;
}

function sortedRows(rows: AvaRowsInput | AvaKeyframesInput, unified: Int32Array): Int32Array {
  const order = new Int32Array(rows.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const vi = 'videoIndex' in rows ? rows.videoIndex : undefined;
  const u = (i: number) => unified[vi ? vi[i]! : i]!;
  order.sort((a, b) => u(a) - u(b) || rows.timestamp[a]! - rows.timestamp[b]! || a - b);
  return order;
}

/** Python `heapq` over `(score, action_id, y1, x1, y2, x2)` tuples: lexicographic "less than". */
function tupleLess(d: AvaRowsInput, a: number, b: number): boolean {
  const keys = [d.score[a]! - d.score[b]!, d.action[a]! - d.action[b]!];
  if (keys[0] !== 0) return keys[0]! < 0;
  if (keys[1] !== 0) return keys[1]! < 0;
  for (const c of [1, 0, 3, 2]) {
    const diff = d.boxes[4 * a + c]! - d.boxes[4 * b + c]!;
    if (diff !== 0) return diff < 0;
  }
  return false;
}

/**
 * The official script's per-keyframe capacity (2019 and 2020: `read_csv(…, 50)`): a min-heap of
 * `capacity` entries, a new row replaces the smallest only if its score is strictly greater (so a
 * tie with the N-th score is not kept).
 */
function capacityCap(d: AvaRowsInput, rows: number[], capacity: number): number[] {
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && tupleLess(d, heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && tupleLess(d, heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const row of rows) {
    if (heap.length < capacity) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!tupleLess(d, heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (d.score[row]! > d.score[heap[0]!]!) {
      heap[0] = row;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => d.score[b]! - d.score[a]! || a - b);
}

/**
 * AVA frame-mAP from the official CSVs under an AVA profile (spec/metrics.md "AVA frame-mAP"):
 * per class, detections over all evaluated keyframes sorted by score, VOC matching against the
 * keyframe's GT boxes of that class at IoU ≥ 0.5 (continuous normalised boxes), VOC all-point AP,
 * mean over classes with GT (mmaction2: with GT and detections). Keyframes are `(video,
 * timestamp)`; `902` and `0902` are the same keyframe. What each profile does with exclusions,
 * keyframes without GT, unlisted keyframes, the top-50 cap and degenerate boxes is in
 * {@link AvaRules}.
 *
 * @example
 * ```ts
 * import { readAvaCsv, readAvaLabelmap } from '@tubekit/datasets';
 * import { avaFrameMeanAP, ava2018Protocol } from '@tubekit/metrics';
 * const r = avaFrameMeanAP(
 *   {
 *     groundTruth: await readAvaCsv('gt.csv', { kind: 'ground-truth' }),
 *     detections: await readAvaCsv('pred.csv', { kind: 'detections' }),
 *     labelmap: await readAvaLabelmap('action_list.pbtxt'),
 *   },
 *   { protocol: ava2018Protocol },
 * );
 * r.results[0].mAP;
 * ```
 */
export function avaFrameMeanAP(input: AvaEvaluationInput, options: AvaMeanAPOptions): MeanAPResult {
  const { protocol } = options;
  const rules = protocol.ava;
  if (rules === null)
    throw new RangeError(
      `protocol ${protocol.name} has no AVA rules; use ava-2018, ava-2019, ava-2020 or mmaction2`,
    );
  const { groundTruth: gt, detections: det, labelmap, exclusions } = input;
  if (exclusions !== undefined && exclusions.length > 0 && !rules.acceptsExclusions)
    throw new RangeError(
      `protocol ${protocol.name} takes no exclusions file (the 2020 script has none)`,
    );
  const issues = new IssueTracker(options.lenient === true);
  const entries = parseIoUEntries(options.iou ?? [0.5]);
  const thresholds = [...new Set(entries.flatMap((e) => e.thresholds))].sort((a, b) => a - b);
  const T = thresholds.length;

  // action id → class index
  let maxId = 0;
  for (const l of labelmap) if (l.id > maxId) maxId = l.id;
  const classOf = new Int32Array(maxId + 1).fill(-1);
  labelmap.forEach((l, c) => {
    classOf[l.id] = c;
  });
  const cls = (action: number) => (action >= 0 && action <= maxId ? classOf[action]! : -1);

  // one numbering of videos across the three files
  const names = new Map<string, number>();
  const unify = (videos: readonly string[]) =>
    Int32Array.from(videos, (v) => {
      let u = names.get(v);
      if (u === undefined) names.set(v, (u = names.size));
      return u;
    });
  const uGT = unify(gt.videos);
  const uDet = unify(det.videos);
  const ex = exclusions ?? { videos: [], timestamp: new Float64Array(0), length: 0 };
  const uEx = unify(ex.videos);

  const checkTimestamp = (rows: AvaRowsInput, i: number, what: string): boolean => {
    if (rules.fractionalTimestamps || Number.isInteger(rows.timestamp[i])) return true;
    return issues.report(
      'bad-frame',
      i,
      `${what} row ${i} (video ${JSON.stringify(rows.videos[rows.videoIndex[i]!])}): timestamp ${rows.timestamp[i]}, expected whole seconds under ${protocol.name}`,
    );
  };
  for (let i = 0; i < gt.length; i++) {
    if (!Number.isInteger(gt.timestamp[i]) && !rules.fractionalTimestamps)
      throw new RangeError(
        `ground truth row ${i} (video ${JSON.stringify(gt.videos[gt.videoIndex[i]!])}): timestamp ${gt.timestamp[i]}, expected whole seconds under ${protocol.name}`,
      );
  }
  const detOk = new Uint8Array(det.length);
  for (let i = 0; i < det.length; i++) {
    const s = det.score[i]!;
    if (!(Number.isFinite(s) && s >= 0))
      issues.report('bad-score', i, `detection row ${i}: score ${s}, expected a finite number ≥ 0`);
    else if (checkTimestamp(det, i, 'detection')) detOk[i] = 1;
  }

  const gOrder = sortedRows(gt, uGT);
  const dOrder = sortedRows(det, uDet);
  const eOrder = sortedRows(ex, uEx);
  const gu = (k: number) => uGT[gt.videoIndex[gOrder[k]!]!]!;
  const du = (k: number) => uDet[det.videoIndex[dOrder[k]!]!]!;
  const eu = (k: number) => uEx[eOrder[k]!]!;
  const gts = (k: number) => gt.timestamp[gOrder[k]!]!;
  const dts = (k: number) => det.timestamp[dOrder[k]!]!;
  const ets = (k: number) => ex.timestamp[eOrder[k]!]!;

  const C = labelmap.length;
  const classes = labelmap.map(() => new ClassScores(T));
  const gtCounts = new Float64Array(C);
  const float32 = protocol.frame.float32Boxes;
  const round = (v: number) => (float32 ? Math.fround(v) : v);
  let detBoxes = new Float64Array(64);
  let gtBoxes = new Float64Array(64);
  let iou = new Float64Array(256);
  let taken = new Uint8Array(16);

  let gi = 0;
  let di = 0;
  let ei = 0;
  while (gi < gt.length || di < det.length) {
    // the next keyframe in (video, timestamp) order
    let u: number;
    let ts: number;
    if (
      di >= det.length ||
      (gi < gt.length && (gu(gi) < du(di) || (gu(gi) === du(di) && gts(gi) <= dts(di))))
    ) {
      u = gu(gi);
      ts = gts(gi);
    } else {
      u = du(di);
      ts = dts(di);
    }
    const g0 = gi;
    while (gi < gt.length && gu(gi) === u && gts(gi) === ts) gi++;
    const d0 = di;
    while (di < det.length && du(di) === u && dts(di) === ts) di++;
    while (ei < ex.length && (eu(ei) < u || (eu(ei) === u && ets(ei) < ts))) ei++;
    const excluded = ei < ex.length && eu(ei) === u && ets(ei) === ts;

    const listed = gi > g0;
    const gtRows: number[] = [];
    for (let k = g0; k < gi; k++) if (cls(gt.action[gOrder[k]!]!) >= 0) gtRows.push(gOrder[k]!);
    if (excluded) {
      if (rules.excludedGroundTruth === 'counted')
        for (const r of gtRows) gtCounts[cls(gt.action[r]!)]++;
      continue;
    }
    for (const r of gtRows) gtCounts[cls(gt.action[r]!)]++;
    if (rules.keyframes === 'listed' && !listed) continue;
    if (rules.keyframes === 'with-ground-truth' && gtRows.length === 0) continue;

    let detRows: number[] = [];
    for (let k = d0; k < di; k++) {
      const r = dOrder[k]!;
      if (detOk[r] && cls(det.action[r]!) >= 0) detRows.push(r);
    }
    detRows.sort((a, b) => a - b); // file order, as the official reader sees them
    if (rules.topKPerKeyframe > 0 && detRows.length > rules.topKPerKeyframe)
      detRows = capacityCap(det, detRows, rules.topKPerKeyframe);
    const degenerate = (r: number) =>
      !(det.boxes[4 * r + 2]! > det.boxes[4 * r]! && det.boxes[4 * r + 3]! > det.boxes[4 * r + 1]!);
    if (rules.degenerateDetections === 'drop') detRows = detRows.filter((r) => !degenerate(r));

    for (let c = 0; c < C; c++) {
      const dc = detRows.filter((r) => cls(det.action[r]!) === c);
      if (dc.length === 0) continue;
      dc.sort((a, b) => det.score[b]! - det.score[a]! || a - b);
      const gc = gtRows.filter((r) => cls(gt.action[r]!) === c);
      const store = classes[c]!;
      const first = store.length;
      for (const r of dc) store.push(det.score[r]!);
      const nd = dc.length;
      const ng = gc.length;
      if (ng === 0) continue;
      if (detBoxes.length < 4 * nd) detBoxes = new Float64Array(8 * nd);
      if (gtBoxes.length < 4 * ng) gtBoxes = new Float64Array(8 * ng);
      if (iou.length < nd * ng) iou = new Float64Array(2 * nd * ng);
      if (taken.length < ng) taken = new Uint8Array(2 * ng);
      for (let i = 0; i < nd; i++)
        for (let k = 0; k < 4; k++) detBoxes[4 * i + k] = round(det.boxes[4 * dc[i]! + k]!);
      for (let j = 0; j < ng; j++)
        for (let k = 0; k < 4; k++) gtBoxes[4 * j + k] = round(gt.boxes[4 * gc[j]! + k]!);
      for (let i = 0; i < nd; i++) {
        const isDegenerate = degenerate(dc[i]!);
        for (let j = 0; j < ng; j++)
          iou[i * ng + j] = isDegenerate ? 0 : boxIoUAt(detBoxes, i, gtBoxes, j, false);
      }
      for (let t = 0; t < T; t++)
        matchRanked(
          iou,
          nd,
          ng,
          thresholds[t]!,
          'at-least',
          'best-overall',
          taken,
          store.tp,
          first * T + t,
          T,
        );
    }
  }

  return summarise(
    protocol,
    labelmap.map((l) => l.name),
    classes,
    gtCounts,
    entries,
    {
      recallEpsilon: 0,
      float32PR: protocol.frame.float32PR,
      curves: options.curves === true,
      warnings: issues.warnings,
    },
  );
}
