import { boxCount } from './box-area';
import { createRandom } from './random';

/** Options of {@link clusterAnchors}. */
export interface AnchorClusteringOptions {
  /** PRNG seed for the k-means++ initialisation (same seed → same anchors). */
  seed: number;
  /** Lloyd iterations at most. Default 300. */
  maxIterations?: number;
}

/** Result of {@link clusterAnchors}. */
export interface AnchorClusters {
  /** `k × 2` anchor sizes `[w, h]`, by ascending area. */
  sizes: Float64Array;
  /** Cluster of each input box (index into `sizes`). */
  assignment: Int32Array;
  /** Mean over boxes of the IoU with their anchor (YOLO9000's "Avg IOU"). */
  meanIoU: number;
  /** Lloyd iterations run. */
  iterations: number;
  /** Whether assignments stopped changing before `maxIterations`. */
  converged: boolean;
}

/**
 * Anchor sizes by k-means on box widths and heights with the distance `d = 1 − IoU` of two sizes
 * placed at the same centre (Redmon & Farhadi, "YOLO9000", CVPR 2017, §Dimension clusters; CFAD
 * takes its 6 anchors this way). Seeded k-means++ initialisation under the same distance, Lloyd
 * iterations with the mean size of each cluster, an emptied cluster re-seeded at the box
 * farthest from its centre; ties go to the lower cluster index. O(N·k) per iteration, no
 * allocation per box.
 *
 * @param boxes - `N × 4` boxes `[x1, y1, x2, y2]` (N ≥ k, positive sizes; any unit, e.g.
 *   pixels or normalised to the image).
 * @param k - number of anchors.
 * @example
 * ```ts
 * const boxes = new Float64Array([0, 0, 10, 10, 0, 0, 11, 9, 0, 0, 100, 50, 0, 0, 90, 60]);
 * clusterAnchors(boxes, 2, { seed: 1 }).sizes; // ≈ [10.5, 9.5, 95, 55]
 * ```
 */
export function clusterAnchors(
  boxes: ArrayLike<number>,
  k: number,
  options: AnchorClusteringOptions,
): AnchorClusters {
  const n = boxCount(boxes, 'clusterAnchors boxes');
  if (!(Number.isInteger(k) && k >= 1 && k <= n))
    throw new RangeError(`clusterAnchors: k = ${k} for ${n} boxes; expected an integer 1 ≤ k ≤ N`);
  const maxIterations = options.maxIterations ?? 300;
  const w = new Float64Array(n);
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = boxes[4 * i + 2]! - boxes[4 * i]!;
    h[i] = boxes[4 * i + 3]! - boxes[4 * i + 1]!;
    if (!(w[i]! > 0 && h[i]! > 0))
      throw new RangeError(
        `clusterAnchors: box ${i} is ${w[i]}×${h[i]}; expected positive width and height`,
      );
  }
  const cw = new Float64Array(k);
  const ch = new Float64Array(k);
  const iou = (i: number, j: number) => {
    const inter = Math.min(w[i]!, cw[j]!) * Math.min(h[i]!, ch[j]!);
    return inter / (w[i]! * h[i]! + cw[j]! * ch[j]! - inter);
  };
  // k-means++ with d = 1 − IoU.
  const rng = createRandom(options.seed);
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY); // d² to nearest centre
  let first = rng.nextInt(n);
  for (let j = 0; j < k; j++) {
    cw[j] = w[first]!;
    ch[j] = h[first]!;
    if (j === k - 1) break;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = 1 - iou(i, j);
      if (d * d < best[i]!) best[i] = d * d;
      total += best[i]!;
    }
    if (total === 0) {
      first = rng.nextInt(n);
      continue;
    }
    let u = rng.next() * total;
    first = n - 1;
    for (let i = 0; i < n; i++) {
      u -= best[i]!;
      if (u < 0) {
        first = i;
        break;
      }
    }
  }
  const assignment = new Int32Array(n).fill(-1);
  const bestIoU = new Float64Array(n);
  const sumW = new Float64Array(k);
  const sumH = new Float64Array(k);
  const count = new Int32Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let bj = 0;
      let bv = iou(i, 0);
      for (let j = 1; j < k; j++) {
        const v = iou(i, j);
        if (v > bv) {
          bv = v;
          bj = j;
        }
      }
      bestIoU[i] = bv;
      if (assignment[i] !== bj) {
        assignment[i] = bj;
        changed++;
      }
    }
    if (changed === 0) {
      converged = true;
      break;
    }
    sumW.fill(0);
    sumH.fill(0);
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const j = assignment[i]!;
      sumW[j] = sumW[j]! + w[i]!;
      sumH[j] = sumH[j]! + h[i]!;
      count[j] = count[j]! + 1;
    }
    for (let j = 0; j < k; j++) {
      if (count[j]! > 0) {
        cw[j] = sumW[j]! / count[j]!;
        ch[j] = sumH[j]! / count[j]!;
      } else {
        // Re-seed an empty cluster at the worst-fitting box (lowest index on ties).
        let worst = 0;
        for (let i = 1; i < n; i++) if (bestIoU[i]! < bestIoU[worst]!) worst = i;
        cw[j] = w[worst]!;
        ch[j] = h[worst]!;
        bestIoU[worst] = 1;
      }
    }
  }
  // Final assignment is the last one computed against the current centres when converged;
  // otherwise recompute against the final centres.
  if (!converged)
    for (let i = 0; i < n; i++) {
      let bj = 0;
      let bv = iou(i, 0);
      for (let j = 1; j < k; j++) {
        const v = iou(i, j);
        if (v > bv) {
          bv = v;
          bj = j;
        }
      }
      bestIoU[i] = bv;
      assignment[i] = bj;
    }
  // Sort clusters by area (ties: width, then index) and relabel.
  const order = Array.from({ length: k }, (_, j) => j).sort(
    (a, b) => cw[a]! * ch[a]! - cw[b]! * ch[b]! || cw[a]! - cw[b]! || a - b,
  );
  const rank = new Int32Array(k);
  const sizes = new Float64Array(2 * k);
  order.forEach((j, r) => {
    rank[j] = r;
    sizes[2 * r] = cw[j]!;
    sizes[2 * r + 1] = ch[j]!;
  });
  let sum = 0;
  for (let i = 0; i < n; i++) {
    assignment[i] = rank[assignment[i]!]!;
    sum += bestIoU[i]!;
  }
  return { sizes, assignment, meanIoU: sum / n, iterations, converged };
}

/**
 * Turn anchor sizes into boxes centred at `(cx, cy)` (e.g. one set per feature-map cell).
 *
 * @param sizes - `k × 2` sizes `[w, h]` (from {@link clusterAnchors}).
 * @returns `k × 4` boxes `[x1, y1, x2, y2]`.
 * @example
 * ```ts
 * anchorBoxesAt(new Float64Array([10, 20]), 50, 50); // [45, 40, 55, 60]
 * ```
 */
export function anchorBoxesAt(
  sizes: ArrayLike<number>,
  cx: number,
  cy: number,
  out?: Float64Array,
): Float64Array {
  if (sizes.length % 2 !== 0)
    throw new RangeError(`anchorBoxesAt: sizes length ${sizes.length}; expected k × 2`);
  const k = sizes.length / 2;
  const r = out ?? new Float64Array(4 * k);
  if (r.length < 4 * k)
    throw new RangeError(`anchorBoxesAt: out has length ${r.length}, need ≥ ${4 * k}`);
  for (let j = 0; j < k; j++) {
    const hw = sizes[2 * j]! / 2;
    const hh = sizes[2 * j + 1]! / 2;
    r[4 * j] = cx - hw;
    r[4 * j + 1] = cy - hh;
    r[4 * j + 2] = cx + hw;
    r[4 * j + 3] = cy + hh;
  }
  return r;
}
