import { boxIoUAt } from './box-iou';

/** Options of {@link drawBackgroundBox}. */
export interface BackgroundBoxOptions {
  /** A draw is kept once its mean IoU with every box to avoid is below this (default 0.3). */
  maxIoU?: number;
  /** Draws before the last one is kept as it is (default 20). */
  attempts?: number;
}

/**
 * Draws a background box for a detector's negatives: a box of actor-like size (width 0.15–0.45
 * of the frame's, height 0.3–0.8 of its height) placed uniformly inside the frame, held still over
 * the K frames of `out` (`K × 4`), and drawn again until its mean IoU over those frames with each
 * tubelet of `avoid` (`K × 4` boxes each: the actors) is below `maxIoU`; after `attempts` draws the
 * last is kept. Four draws of `random` per attempt (width, height, x, y), so seeded callers get the
 * same boxes on every platform. The IoUs are computed on the values as stored in `out`.
 *
 * @returns `out`.
 * @example
 * ```ts
 * const box = drawBackgroundBox(new Float64Array(4), { width: 112, height: 112 }, [actorBox], rng);
 * ```
 */
export function drawBackgroundBox<T extends Float32Array | Float64Array>(
  out: T,
  frame: { width: number; height: number },
  avoid: readonly ArrayLike<number>[],
  random: { next(): number },
  options: BackgroundBoxOptions = {},
): T {
  const maxIoU = options.maxIoU ?? 0.3;
  const attempts = options.attempts ?? 20;
  const K = out.length / 4;
  if (!(Number.isInteger(K) && K >= 1))
    throw new RangeError(`drawBackgroundBox: out has ${out.length} values; expected K × 4, K ≥ 1`);
  const { width: W, height: H } = frame;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const w = W * (0.15 + 0.3 * random.next());
    const h = H * (0.3 + 0.5 * random.next());
    const x = random.next() * (W - w);
    const y = random.next() * (H - h);
    for (let t = 0; t < K; t++) out.set([x, y, x + w, y + h], t * 4);
    const overlaps = avoid.some((a) => {
      let sum = 0;
      for (let t = 0; t < K; t++) sum += boxIoUAt(out, t, a, t);
      return sum / K >= maxIoU;
    });
    if (!overlaps) break;
  }
  return out;
}
