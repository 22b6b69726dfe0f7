/**
 * A short tour of @tubekit/geometry, printed by `pnpm reproduce` until the benchmark apps exist.
 * Every number below is computed here, from a seeded synthetic action tube.
 */
import {
  boxIoU,
  boxNMS,
  clusterAnchors,
  createRandom,
  decodePolynomialTube,
  encodePolynomialTube,
  extrapolateTubelet,
  interpolateTube,
  normalizedTimestamps,
  type Tube,
  tubeIoU,
  tubeSlice,
} from '@tubekit/geometry';

const f3 = (x: number) => x.toFixed(3);
const rng = createRandom(2026);

// A 96-frame actor: walks right on a curved path and grows as it approaches the camera.
const T = 96;
const truth = new Float64Array(4 * T);
for (let i = 0; i < T; i++) {
  const s = i / (T - 1);
  const cx = 200 + 400 * s + 60 * Math.sin(3 * s);
  const cy = 220 + 40 * s * s;
  const w = 60 * (1 + 0.6 * s);
  const h = 150 * (1 + 0.6 * s);
  truth.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 4 * i);
}
const gt: Tube = { start: 1, boxes: truth };

console.log('1. Box IoU: one pair, two pixel conventions');
console.log(
  `   [0,0,10,10] vs [10,0,20,10]: continuous ${f3(boxIoU([0, 0, 10, 10], [10, 0, 20, 10]))}, inclusive ${f3(boxIoU([0, 0, 10, 10], [10, 0, 20, 10], { pixelInclusive: true }))}`,
);

console.log('2. Tube IoU of the ground truth against shifted copies, per evaluator convention');
for (const [label, det] of [
  ['frames 1–96 (itself)', gt],
  ['frames 48–96', tubeSlice(gt, 48, 96)],
  ['frames 96–96 (one shared frame)', tubeSlice(gt, 96, 96)],
] as const) {
  const row = (['act', 'voc', 'singh', 'yowo'] as const)
    .map((c) => `${c} ${f3(tubeIoU(gt, det, { convention: c }))}`)
    .join('  ');
  console.log(`   ${label.padEnd(32)} ${row}`);
}

console.log('3. NMS on 200 noisy detections of the actor in frame 50');
const n = 200;
const dets = new Float64Array(4 * n);
const scores = new Float64Array(n);
for (let i = 0; i < n; i++) {
  for (let c = 0; c < 4; c++) dets[4 * i + c] = truth[4 * 49 + c]! + (rng.next() - 0.5) * 40;
  scores[i] = rng.next();
}
const hard = boxNMS(dets, scores, { iouThreshold: 0.5 });
const soft = boxNMS(dets, scores, {
  iouThreshold: 0.5,
  soft: { method: 'gaussian', sigma: 0.5 },
  scoreThreshold: 0.05,
});
console.log(
  `   hard NMS keeps ${hard.keep.length}; soft (gaussian) keeps ${soft.keep.length} above 0.05, top score ${f3(soft.scores[0]!)}`,
);

console.log(
  '4. CFAD polynomial tube encoding relative to an anchor: mean IoU with the truth by order k',
);
const t = normalizedTimestamps(Array.from({ length: T }, (_, i) => i + 1));
const anchor = [180, 140, 260, 300];
const orders = [1, 2, 3, 4, 6, 8].map((k) => {
  const theta = encodePolynomialTube(truth, t, anchor, k);
  const back = decodePolynomialTube(theta, anchor, t);
  return `k=${k} ${f3(tubeIoU(gt, { start: 1, boxes: back }, { convention: 'voc' }))}`;
});
console.log(`   ${orders.join('  ')}`);

console.log(
  '5. CFAD refinement: a dense tube from 6 key boxes, linear vs cubic spline (CFAD: not-a-knot)',
);
const keys = [1, 20, 39, 58, 77, 96];
const keyBoxes = new Float64Array(
  keys.flatMap((f) => Array.from(truth.subarray(4 * (f - 1), 4 * f))),
);
for (const method of [
  { method: 'linear' as const },
  { method: 'cubic-spline' as const, boundary: 'natural' as const },
  { method: 'cubic-spline' as const, boundary: 'not-a-knot' as const },
]) {
  const dense = interpolateTube(keys, keyBoxes, method);
  const name = method.method === 'linear' ? 'linear' : `spline ${method.boundary}`;
  console.log(
    `   ${name.padEnd(20)} tube IoU with the truth ${tubeIoU(gt, dense, { convention: 'voc' }).toFixed(5)}`,
  );
}

console.log('6. STEP Eq. 4: extend the 6-frame tubelet at frames 40–45 by 6 frames on each side');
const ext = extrapolateTubelet(tubeSlice(gt, 40, 45).boxes, 6);
const extIoU = tubeIoU(tubeSlice(gt, 34, 51), { start: 34, boxes: ext }, { convention: 'voc' });
console.log(`   extrapolated 18-frame tubelet vs truth on frames 34–51: IoU ${f3(extIoU)}`);

console.log('7. Anchor clustering (k-means, 1 − IoU) of the 96 truth boxes into 3 sizes');
const anchors = clusterAnchors(truth, 3, { seed: 1 });
const sizes = Array.from(
  { length: 3 },
  (_, j) => `${anchors.sizes[2 * j]!.toFixed(0)}×${anchors.sizes[2 * j + 1]!.toFixed(0)}`,
);
console.log(`   anchors ${sizes.join(', ')}; mean IoU ${f3(anchors.meanIoU)}`);
