import { createRandom } from '../src/random';

/**
 * `n` boxes like a detector's raw output on one 1280×720 frame: jittered copies around
 * `objects` true boxes (so NMS has real work to suppress), seeded.
 */
export function detectorLikeBoxes(n: number, objects: number, seed: number) {
  const rng = createRandom(seed);
  const boxes = new Float64Array(4 * n);
  const scores = new Float64Array(n);
  const obj = new Float64Array(4 * objects);
  for (let o = 0; o < objects; o++) {
    const w = 20 + rng.next() * 200;
    const h = 40 + rng.next() * 300;
    const x = rng.next() * (1280 - w);
    const y = rng.next() * (720 - h);
    obj.set([x, y, x + w, y + h], 4 * o);
  }
  for (let i = 0; i < n; i++) {
    const o = rng.nextInt(objects);
    const w = obj[4 * o + 2]! - obj[4 * o]!;
    const h = obj[4 * o + 3]! - obj[4 * o + 1]!;
    const jx = (rng.next() - 0.5) * 0.4 * w;
    const jy = (rng.next() - 0.5) * 0.4 * h;
    const s = 0.8 + rng.next() * 0.4;
    const cx = (obj[4 * o]! + obj[4 * o + 2]!) / 2 + jx;
    const cy = (obj[4 * o + 1]! + obj[4 * o + 3]!) / 2 + jy;
    boxes.set([cx - (s * w) / 2, cy - (s * h) / 2, cx + (s * w) / 2, cy + (s * h) / 2], 4 * i);
    scores[i] = rng.next();
  }
  return { boxes, scores };
}

/** `n` small boxes spread uniformly over a 1280×720 frame (few overlaps: NMS's worst case). */
export function scatteredBoxes(n: number, seed: number) {
  const rng = createRandom(seed);
  const boxes = new Float64Array(4 * n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = 4 + rng.next() * 20;
    const h = 4 + rng.next() * 20;
    const x = rng.next() * (1280 - w);
    const y = rng.next() * (720 - h);
    boxes.set([x, y, x + w, y + h], 4 * i);
    scores[i] = rng.next();
  }
  return { boxes, scores };
}

/**
 * `n` K-frame tubelets like a tubelet detector's output on one clip: each follows one of
 * `objects` actors moving linearly, with per-tubelet jitter; seeded.
 */
export function detectorLikeTubelets(n: number, K: number, objects: number, seed: number) {
  const rng = createRandom(seed);
  const actors = detectorLikeBoxes(objects, objects, seed + 1).boxes;
  const velocity = Float64Array.from({ length: 2 * objects }, () => (rng.next() - 0.5) * 6);
  const tubelets = new Float64Array(4 * K * n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.nextInt(objects);
    const w = actors[4 * a + 2]! - actors[4 * a]!;
    const h = actors[4 * a + 3]! - actors[4 * a + 1]!;
    const jx = (rng.next() - 0.5) * 0.4 * w;
    const jy = (rng.next() - 0.5) * 0.4 * h;
    for (let k = 0; k < K; k++) {
      const dx = jx + k * velocity[2 * a]!;
      const dy = jy + k * velocity[2 * a + 1]!;
      tubelets.set(
        [
          actors[4 * a]! + dx,
          actors[4 * a + 1]! + dy,
          actors[4 * a + 2]! + dx,
          actors[4 * a + 3]! + dy,
        ],
        4 * (i * K + k),
      );
    }
    scores[i] = rng.next();
  }
  return { tubelets, scores };
}
