import { defineBenchSuite } from '@tubekit/benchmarks';
import { evaluateCubicSpline, fitCubicSpline } from '../src/cubic-spline';
import { interpolateBoxes } from '../src/interpolation';
import { fitPolynomialTube, normalizedTimestamps } from '../src/polynomial-tube';
import { createRandom } from '../src/random';

const rng = createRandom(5);
// CFAD-like: 16 key boxes over a 96-frame tube, evaluated at every frame.
const nKeys = 16;
const T = 96;
const keyTimes = Float64Array.from({ length: nKeys }, (_, i) => 1 + (i * (T - 1)) / (nKeys - 1));
const keyBoxes = Float64Array.from(
  { length: 4 * nKeys },
  (_, i) => (i % 4 < 2 ? 0 : 50) + rng.next() * 40,
);
const frames = Float64Array.from({ length: T }, (_, i) => i + 1);
const out = new Float64Array(4 * T);
const spline = fitCubicSpline(keyTimes, keyBoxes, { boundary: 'not-a-knot' });
const t = normalizedTimestamps(frames);
const tubeBoxes = Float64Array.from(
  { length: 4 * T },
  (_, i) => (i % 4 < 2 ? 0 : 50) + rng.next() * 40,
);
const theta = new Float64Array(4 * 9);

export default defineBenchSuite({
  name: 'geometry: interpolation and polynomial fit',
  cases: [
    {
      kind: 'micro',
      name: `cubic spline (not-a-knot) fit through ${nKeys} key boxes + evaluate ${T} frames`,
      fn: () =>
        interpolateBoxes(
          keyTimes,
          keyBoxes,
          frames,
          { method: 'cubic-spline', boundary: 'not-a-knot' },
          out,
        ),
      units: { perCall: 1, name: 'tubes' },
    },
    {
      kind: 'micro',
      name: `cubic spline evaluate only, ${T} frames`,
      fn: () => evaluateCubicSpline(spline, frames, undefined, out),
      units: { perCall: T, name: 'boxes' },
    },
    {
      kind: 'micro',
      name: `linear interpolation, ${nKeys} keys → ${T} frames`,
      fn: () => interpolateBoxes(keyTimes, keyBoxes, frames, { method: 'linear' }, out),
      units: { perCall: 1, name: 'tubes' },
    },
    {
      kind: 'micro',
      name: `polynomial fit k = 4 to a ${T}-frame tube (QR, Chebyshev)`,
      fn: () => fitPolynomialTube(t, tubeBoxes, 4, theta),
      units: { perCall: 1, name: 'tubes' },
    },
    {
      kind: 'micro',
      name: `polynomial fit k = 8 to a ${T}-frame tube (QR, Chebyshev)`,
      fn: () => fitPolynomialTube(t, tubeBoxes, 8, theta),
      units: { perCall: 1, name: 'tubes' },
    },
  ],
});
