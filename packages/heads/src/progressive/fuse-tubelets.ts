import { meanFrameIoU, tubeletNMS } from '@tubekit/geometry';
import type { ClipTubelet } from './detect-video';

/** Options of {@link fuseTubelets}. */
export interface FuseTubeletsOptions {
  /** Clip length K of every tubelet. */
  clipLength: number;
  /** Two tubelets of the same clip and class "agree" when their mean per-frame IoU is ≥ this (default 0.5). */
  matchIoU?: number;
  /** Per-class tubelet NMS after fusion (default 0.3) and kept per clip and class (default 5). */
  nmsThreshold?: number;
  topK?: number;
}

/**
 * Late fusion of the detections of several streams (STEP §3.5 "late fusion", after ACT's mean
 * fusion; "hybrid fusion" passes the early-fusion, RGB and flow detections): the union of all
 * streams' tubelets per clip and class, each rescored by the mean over streams of the best score
 * of an agreeing tubelet in that stream (its own score for its own stream, 0 when a stream has no
 * agreeing tubelet), followed by per-class tubelet NMS.
 *
 * @example
 * const fused = fuseTubelets([rgbTubelets, flowTubelets], { clipLength: 6 });
 */
export function fuseTubelets(
  streams: ClipTubelet[][],
  options: FuseTubeletsOptions,
): ClipTubelet[] {
  const K = options.clipLength;
  const matchIoU = options.matchIoU ?? 0.5;
  const groups = new Map<string, ClipTubelet[][]>();
  streams.forEach((stream, si) => {
    for (const t of stream) {
      const key = `${t.start}:${t.label}`;
      let g = groups.get(key);
      if (!g) {
        g = streams.map(() => []);
        groups.set(key, g);
      }
      g[si].push(t);
    }
  });
  const out: ClipTubelet[] = [];
  for (const g of groups.values()) {
    const all = g.flat();
    const boxes = new Float64Array(all.length * K * 4);
    all.forEach((t, i) => {
      boxes.set(t.boxes, i * K * 4);
    });
    const scores = new Float64Array(all.length);
    all.forEach((t, i) => {
      let sum = 0;
      for (const stream of g) {
        let best = 0;
        for (const u of stream)
          if (u === t || meanFrameIoU(t.boxes, u.boxes, K) >= matchIoU)
            best = Math.max(best, u.score);
        sum += best;
      }
      scores[i] = sum / g.length;
    });
    const kept = tubeletNMS(boxes, K, scores, {
      iouThreshold: options.nmsThreshold ?? 0.3,
      topK: options.topK ?? 5,
    });
    kept.keep.forEach((i, r) => {
      out.push({ ...all[i], score: kept.scores[r] });
    });
  }
  out.sort((a, b) => a.start - b.start || a.label - b.label || b.score - a.score);
  return out;
}
