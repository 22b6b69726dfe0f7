/**
 * One requested IoU entry: a single threshold, or a range whose mAP is the mean over its
 * thresholds (COCO-style `0.5:0.95` = 0.50, 0.55, …, 0.95).
 */
export interface IoUEntry {
  /** As reported: the number, or the range text (`'0.5:0.95'`). */
  iou: number | string;
  /** The thresholds averaged (one for a single value). */
  thresholds: number[];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Parses IoU requests: numbers in (0, 1], `'a:b'` (step 0.05, so `'0.5:0.95'` gives the ten COCO
 * thresholds) or `'a:step:b'` (e.g. `'0.1:0.1:0.9'`). Thresholds are rounded to 6 decimals so
 * that `0.5 + 2·0.05` is exactly `0.6`.
 *
 * @throws RangeError naming the bad entry and the accepted forms.
 * @example
 * ```ts
 * parseIoUEntries([0.5, '0.5:0.95']); // [{iou: 0.5, thresholds: [0.5]}, {iou: '0.5:0.95', thresholds: [0.5, 0.55, …, 0.95]}]
 * ```
 */
export function parseIoUEntries(requests: ReadonlyArray<number | string>): IoUEntry[] {
  if (requests.length === 0)
    throw new RangeError('no IoU threshold given; expected e.g. 0.5 or 0.5:0.95');
  return requests.map((request) => {
    const bad = () =>
      new RangeError(
        `IoU ${JSON.stringify(request)}: expected a number in (0, 1], 'a:b' (step 0.05) or 'a:step:b'`,
      );
    if (typeof request === 'number') {
      if (!(request > 0 && request <= 1)) throw bad();
      return { iou: request, thresholds: [request] };
    }
    const parts = request.split(':').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (parts.length === 1) {
      const v = parts[0]!;
      if (!(v > 0 && v <= 1)) throw bad();
      return { iou: v, thresholds: [v] };
    }
    if (parts.length !== 2 && parts.length !== 3) throw bad();
    const from = parts[0]!;
    const to = parts[parts.length - 1]!;
    const step = parts.length === 3 ? parts[1]! : 0.05;
    if (!(from > 0 && to <= 1 && from <= to && step > 0)) throw bad();
    const thresholds: number[] = [];
    for (let i = 0; ; i++) {
      const t = round(from + i * step);
      if (t > to + 1e-9) break;
      thresholds.push(t);
    }
    return { iou: request, thresholds };
  });
}

/** The distinct thresholds of some entries, ascending. */
export function distinctThresholds(entries: readonly IoUEntry[]): number[] {
  return [...new Set(entries.flatMap((e) => e.thresholds))].sort((a, b) => a - b);
}
