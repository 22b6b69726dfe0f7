import type { ActionDataset } from './annotation-model';

/** Order statistics of a sample (all `NaN` when empty). */
export interface Distribution {
  count: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
  mean: number;
}

/** What `tubekit inspect` prints: sizes, per-class counts and distributions of a dataset. */
export interface DatasetSummary {
  dataset: string;
  labels: number;
  videos: number;
  tubes: number;
  /** Total frames of all videos. */
  frames: number;
  /** Annotated boxes (tube-frames). */
  boxes: number;
  splits: Record<string, number>;
  perClass: { label: string; tubes: number; videos: number }[];
  /** Tube lengths in frames. */
  tubeLength: Distribution;
  /** Box widths, heights and √area in pixels (x2 − x1, y2 − y1, no +1). */
  boxWidth: Distribution;
  boxHeight: Distribution;
  boxSqrtArea: Distribution;
}

/** Order statistics with linear interpolation between order statistics (numpy's default). */
export function distribution(values: Float64Array): Distribution {
  const n = values.length;
  if (n === 0)
    return {
      count: 0,
      min: Number.NaN,
      p25: Number.NaN,
      median: Number.NaN,
      p75: Number.NaN,
      max: Number.NaN,
      mean: Number.NaN,
    };
  const sorted = Float64Array.from(values).sort();
  const q = (p: number) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    count: n,
    min: sorted[0]!,
    p25: q(0.25),
    median: q(0.5),
    p75: q(0.75),
    max: sorted[n - 1]!,
    mean: sum / n,
  };
}

/**
 * Summarises a dataset: counts of videos, tubes, frames and boxes, per-class tube and video
 * counts (in label order), split sizes, and the distributions of tube length (frames) and box
 * width, height and √area (pixels, `x2 − x1` without the +1 of inclusive-pixel protocols).
 *
 * @example
 * const s = summarizeDataset(await loadDataset('pyannot.pkl'));
 * console.log(s.videos, s.tubes, s.tubeLength.median);
 */
export function summarizeDataset(dataset: ActionDataset): DatasetSummary {
  let tubes = 0;
  let frames = 0;
  let boxes = 0;
  for (const v of dataset.videos) {
    tubes += v.tubes.length;
    frames += v.nframes;
    for (const t of v.tubes) boxes += t.boxes.length / 4;
  }
  const lengths = new Float64Array(tubes);
  const widths = new Float64Array(boxes);
  const heights = new Float64Array(boxes);
  const roots = new Float64Array(boxes);
  const perClass = dataset.labels.map((label) => ({ label, tubes: 0, videos: 0 }));
  let ti = 0;
  let bi = 0;
  for (const v of dataset.videos) {
    const seen = new Set<number>();
    for (const t of v.tubes) {
      const T = t.boxes.length / 4;
      lengths[ti++] = T;
      perClass[t.label]!.tubes++;
      if (!seen.has(t.label)) {
        seen.add(t.label);
        perClass[t.label]!.videos++;
      }
      for (let i = 0; i < T; i++) {
        const w = t.boxes[4 * i + 2]! - t.boxes[4 * i]!;
        const h = t.boxes[4 * i + 3]! - t.boxes[4 * i + 1]!;
        widths[bi] = w;
        heights[bi] = h;
        roots[bi++] = Math.sqrt(w * h);
      }
    }
  }
  return {
    dataset: dataset.dataset,
    labels: dataset.labels.length,
    videos: dataset.videos.length,
    tubes,
    frames,
    boxes,
    splits: Object.fromEntries(Object.entries(dataset.splits).map(([k, v]) => [k, v.length])),
    perClass,
    tubeLength: distribution(lengths),
    boxWidth: distribution(widths),
    boxHeight: distribution(heights),
    boxSqrtArea: distribution(roots),
  };
}
