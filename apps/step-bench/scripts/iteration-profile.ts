/**
 * Where one STEP training iteration's time goes (quick-profile sizes, synthetic frames): the
 * trunk's backbone forward, the neck forward, the progression's forward (RoIAlign + heads), and
 * the full loss + backward, with the backbone inside the iteration vs. precomputed once, and the
 * neck + heads step as the benchmark trains it: nn's `Trainer` on micro-batches within the
 * profile's `microBatchFrames` (gradient accumulation). Each case prints its time and the peak
 * of live tfjs memory above what was allocated before it (the wasm heap holds it all).
 *
 *   nice -n 10 npx tsx apps/step-bench/scripts/iteration-profile.ts [extrapolation|none] [case…] [--conv wasm|onnxruntime] [--kernels N]
 *
 * With case names (substrings), only the matching cases run. `--conv` picks where the trunk's
 * convolutions run (`selectConvolutions`; default onnxruntime). `--kernels N` also prints each case's N
 * kernels with the most time (tfjs's profiler: milliseconds per kernel name, summed over one
 * run; nested kernels count in their own name and in the outer one's).
 */
import { Trunk } from '@tubekit/backbones';
import { ProgressiveDetector } from '@tubekit/heads/progressive';
import { createRng, initBackend, Trainer, tf, tidyValues } from '@tubekit/nn';
import { DEFAULT_CONVOLUTIONS, parseConvolutions, selectConvolutions } from '../src/convolutions';
import { PROFILES } from '../src/profiles';

async function main() {
  await initBackend({ log: () => undefined });
  const args = process.argv.slice(2);
  const convAt = args.indexOf('--conv');
  const convolutions = await selectConvolutions(
    convAt >= 0 ? parseConvolutions(args.splice(convAt, 2)[1]) : DEFAULT_CONVOLUTIONS,
  );
  const kernelsAt = args.indexOf('--kernels');
  const topKernels = kernelsAt >= 0 ? Number(args.splice(kernelsAt, 2)[1]) : 0;
  if (!(Number.isInteger(topKernels) && topKernels >= 0))
    throw new Error('--kernels expects a whole number of kernels to list');
  const q = PROFILES.quick;
  const S = q.frameSize;
  const extension = (args[0] ?? 'extrapolation') as 'extrapolation' | 'none';
  const trunk = new Trunk({ channels: 3, ...q.trunk, seed: 1 });
  const det = new ProgressiveDetector({
    numClasses: 8,
    trunk,
    frameWidth: S,
    frameHeight: S,
    clipLength: q.clipLength,
    steps: 3,
    extension,
    roiSize: q.roiSize,
    hidden: q.hidden,
    seed: 1,
  });
  const Tw = det.windowLength;
  const B = q.batchClips;
  const data = new Float32Array(B * Tw * S * S * 3).map((_, i) => (i % 97) / 97);
  const frames = tf.tensor4d(data, [B * Tw, S, S, 3]);
  const rows = Int32Array.from({ length: B * Tw }, (_, i) => i);
  const box = [20, 10, 60, 100];
  const gt = Array.from({ length: B }, () => ({
    boxes: new Float64Array(Tw * 4).map((_, i) => box[i % 4]),
    present: new Uint8Array(Tw).fill(1),
    labels: Int32Array.from([1]),
  }));
  const opt = tf.train.adam(1e-3);
  const only = args.slice(1);
  const time = async (name: string, f: () => void, reps = 3) => {
    if (only.length && !only.some((o) => name.includes(o))) return;
    const before = tf.memory().numBytes;
    const { peakBytes, kernels } = await tf.profile(f);
    const t = performance.now();
    for (let r = 0; r < reps; r++) f();
    const ms = (performance.now() - t) / reps;
    const mb = (peakBytes - before) / 2 ** 20;
    console.log(
      `${name.padEnd(60)} ${ms.toFixed(0).padStart(6)} ms ${mb.toFixed(0).padStart(6)} MB`,
    );
    if (topKernels === 0) return;
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of kernels) {
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.calls++;
      byName.set(k.name, e);
    }
    const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
    for (const [kernel, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, topKernels))
      console.log(
        `    ${kernel.padEnd(40)} ${e.ms.toFixed(0).padStart(6)} ms ${((100 * e.ms) / total).toFixed(0).padStart(3)} % ${String(e.calls).padStart(6)} calls`,
      );
  };
  const training = { iouThresholds: [0.5, 0.6, 0.7], positivesPerClip: 6, hardAware: true };
  console.log(
    `batch ${B} windows × ${Tw} frames = ${B * Tw} frames at ${S} px; ${extension}; convolutions ${convolutions}`,
  );
  await time('backbone forward', () =>
    tidyValues(() => trunk.backbone(frames, Tw).levels[1].tensor),
  );
  const s8 = tf.tidy(() => tf.keep(trunk.backbone(frames, Tw).levels[1].tensor));
  await time('neck forward (on cached stride-8)', () =>
    tidyValues(() => trunk.neck({ levels: [{ stride: 8, tensor: s8 }] }, Tw)),
  );
  const neck = tf.tidy(() => tf.keep(trunk.neck({ levels: [{ stride: 8, tensor: s8 }] }, Tw)));
  await time('progression forward (RoIAlign + heads, 3 steps)', () =>
    det.run({ features: neck, rows }),
  );
  const rng = createRng(1);
  const vars = det.variables();
  const headVars = det.heads.flatMap((h) => h.variables());
  await time('loss+backward, heads only (neck cached)', () =>
    tf.tidy(() => {
      opt.minimize(
        () => det.loss({ features: neck, rows }, gt, { ...training, rng }),
        false,
        headVars,
      );
    }),
  );
  await time('loss+backward, neck+heads (backbone cached)', () =>
    tf.tidy(() => {
      opt.minimize(
        () => {
          const f = trunk.neck({ levels: [{ stride: 8, tensor: s8 }] }, Tw);
          return det.loss({ features: f, rows }, gt, { ...training, rng });
        },
        false,
        vars,
      );
    }),
  );
  // The benchmark's step: micro-batches of whole windows within the frame budget, gradients summed.
  const perPart = Math.min(B, Math.max(1, Math.floor(q.microBatchFrames / Tw)));
  const trainer = new Trainer({
    parameters: det.parameters(),
    optimizer: { kind: 'adam', learningRate: 1e-3 },
    seed: 1,
  });
  await time(
    `loss+backward, neck+heads, micro-batches of ${perPart} (≤ ${q.microBatchFrames} frames)`,
    () => {
      const parts: Array<() => tf.Scalar> = [];
      for (let b = 0; b < B; b += perPart) {
        const n = Math.min(perPart, B - b);
        parts.push(() => {
          const x = tf.slice(s8, [b * Tw, 0, 0, 0], [n * Tw, -1, -1, -1]);
          const f = trunk.neck({ levels: [{ stride: 8, tensor: x }] }, Tw);
          const part = { features: f, rows: rows.slice(0, n * Tw) };
          const loss = det.loss(part, gt.slice(b, b + n), { ...training, rng });
          return tf.mul(loss, n / B) as tf.Scalar;
        });
      }
      trainer.step(parts);
    },
  );
  await time('loss+backward, backbone fwd + neck+heads (main)', () =>
    tf.tidy(() => {
      opt.minimize(
        () => {
          const f = trunk.neck(trunk.backbone(frames, Tw), Tw);
          return det.loss({ features: f, rows }, gt, { ...training, rng });
        },
        false,
        vars,
      );
    }),
  );
}
main().catch((error) => {
  console.error(`iteration-profile: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
