import { existsSync, readFileSync } from 'node:fs';
import { createRandom } from '@tubekit/geometry';
import { tf } from '@tubekit/nn';
import { writeFileAtomic } from '@tubekit/report';
import type { ClipWindow } from './clip-window';
import type { ProgressiveDetector, ProgressiveTrainingOptions } from './progressive-detector';

/** Options of {@link trainProgressive}. */
export interface TrainProgressiveOptions extends Omit<ProgressiveTrainingOptions, 'rand'> {
  /** Optimiser iterations (mini-batches). */
  iterations: number;
  /** Clips per mini-batch (STEP: 4). */
  batchClips: number;
  /** Adam learning rate; decays ×0.1 at 2/3 of the iterations (STEP: step decay). */
  learningRate: number;
  /** Training seed: clip sampling and proposal sampling of iteration i derive from (seed, i). */
  seed: number;
  /** Draws one training clip window (all windows of a batch must share the detector's window length). */
  sampleClip: (rand: () => number) => ClipWindow;
  /** Called after each iteration with the loss. */
  onIteration?: (iteration: number, loss: number) => void;
  /**
   * Checkpoint file (weights + Adam state + iteration), written atomically every `every`
   * iterations and at the end; an existing checkpoint is resumed from.
   */
  checkpoint?: { path: string; every: number };
}

/** Training summary. */
export interface TrainProgressiveResult {
  iterations: number;
  /** Iteration the run resumed from (0 for a fresh run). */
  resumedFrom: number;
  /** Mean loss of the last 10% of iterations. */
  finalLoss: number;
  wallMs: number;
}

interface CheckpointHeader {
  format: 'tubekit-step-checkpoint';
  version: 1;
  iteration: number;
  tensors: Array<{ shape: number[]; offset: number; length: number }>;
  lossTail: number[];
}

async function saveCheckpoint(
  path: string,
  iteration: number,
  tensors: tf.Tensor[],
  lossTail: number[],
): Promise<void> {
  const header: CheckpointHeader = {
    format: 'tubekit-step-checkpoint',
    version: 1,
    iteration,
    tensors: [],
    lossTail,
  };
  let offset = 0;
  const parts: Float32Array[] = [];
  for (const t of tensors) {
    const data = (await t.data()) as Float32Array;
    header.tensors.push({ shape: t.shape, offset, length: data.length });
    parts.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(4 + json.length + offset * 4);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let o = 4 + json.length;
  for (const p of parts) {
    Buffer.from(p.buffer, p.byteOffset, p.byteLength).copy(out, o);
    o += p.byteLength;
  }
  await writeFileAtomic(path, out);
}

function loadCheckpoint(path: string): { header: CheckpointHeader; values: Float32Array[] } {
  const buf = readFileSync(path);
  const n = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as CheckpointHeader;
  if (header.format !== 'tubekit-step-checkpoint' || header.version !== 1)
    throw new Error(
      `${path}: not a tubekit STEP checkpoint (format ${header.format}, version ${header.version})`,
    );
  const base = 4 + n;
  const floats = new Float32Array(
    buf.buffer.slice(buf.byteOffset + base, buf.byteOffset + buf.length),
  );
  return { header, values: header.tensors.map((t) => floats.slice(t.offset, t.offset + t.length)) };
}

/**
 * Trains a {@link ProgressiveDetector} end to end as in STEP §3.4: each mini-batch runs the
 * progression over all steps, samples positives/negatives per step (hard-aware, increasing
 * thresholds), sums the steps' losses (Eq. 2–3, λ; γ for anticipation) and updates all heads
 * jointly with Adam. Deterministic for a seed; resumable from an atomic checkpoint.
 *
 * @example
 * await trainProgressive(det, { iterations: 200, batchClips: 4, learningRate: 1e-3, seed: 1,
 *   iouThresholds: [0.5, 0.6, 0.7], positivesPerClip: 4, hardAware: true, sampleClip });
 */
export async function trainProgressive(
  detector: ProgressiveDetector,
  options: TrainProgressiveOptions,
): Promise<TrainProgressiveResult> {
  const t0 = Date.now();
  const vars = detector.variables();
  const optimizer = tf.train.adam(options.learningRate);
  const lossTail: number[] = [];
  let startIter = 0;
  const ckpt = options.checkpoint;
  if (ckpt && existsSync(ckpt.path)) {
    const { header, values } = loadCheckpoint(ckpt.path);
    if (values.length < vars.length)
      throw new Error(
        `${ckpt.path}: holds ${values.length} tensors, the detector has ${vars.length} variables`,
      );
    vars.forEach((v, i) => {
      if (values[i].length !== v.size)
        throw new Error(
          `${ckpt.path}: tensor ${i} has ${values[i].length} values, expected ${v.size} (${v.shape})`,
        );
      v.assign(tf.tensor(values[i], v.shape));
    });
    const optState = values.slice(vars.length);
    if (optState.length) {
      // Adam state: iterations, then m and v per variable. A fresh optimizer holds only the
      // iteration count; its moments are created lazily, so build them with a zero step first.
      if ((await optimizer.getWeights()).length <= 1) {
        optimizer.minimize(
          () => tf.mul(tf.addN(vars.map((v) => tf.sum(v))), 0) as tf.Scalar,
          false,
          vars,
        );
      }
      const current = await optimizer.getWeights();
      await optimizer.setWeights(
        current.map((w, i) => ({
          name: w.name,
          tensor: tf.tensor(optState[i], header.tensors[vars.length + i].shape),
        })),
      );
    }
    startIter = header.iteration;
    lossTail.push(...header.lossTail);
  }
  const decayAt = Math.round((options.iterations * 2) / 3);
  for (let it = startIter; it < options.iterations; it++) {
    // Step decay ×0.1 at 2/3 of the run (also right after resuming past that point).
    (optimizer as unknown as { learningRate: number }).learningRate =
      it >= decayAt ? options.learningRate * 0.1 : options.learningRate;
    const rand = createRandom((options.seed * 1_000_003 + it * 7919) >>> 0).next;
    const clips = Array.from({ length: options.batchClips }, () => options.sampleClip(rand));
    const o = detector.options;
    const Tw = detector.windowLength;
    const data = new Float32Array(clips.length * clips[0].frames.length);
    clips.forEach((c, i) => {
      data.set(c.frames, i * c.frames.length);
    });
    const windows = tf.tensor4d(data, [clips.length * Tw, o.frameHeight, o.frameWidth, o.channels]);
    const loss = optimizer.minimize(
      () =>
        detector.loss(
          windows,
          clips.map((c) => c.gt),
          { ...options, rand },
        ),
      true,
      vars,
    );
    const value = (loss as tf.Scalar).dataSync()[0];
    loss?.dispose();
    windows.dispose();
    if (!Number.isFinite(value))
      throw new Error(`trainProgressive: loss became ${value} at iteration ${it}`);
    lossTail.push(value);
    if (lossTail.length > Math.max(1, Math.round(options.iterations / 10))) lossTail.shift();
    options.onIteration?.(it, value);
    if (ckpt && ((it + 1) % ckpt.every === 0 || it + 1 === options.iterations)) {
      const opt = (await optimizer.getWeights()).map((w) => w.tensor);
      await saveCheckpoint(ckpt.path, it + 1, [...vars, ...opt], lossTail);
    }
  }
  optimizer.dispose();
  const finalLoss = lossTail.length
    ? lossTail.reduce((a, b) => a + b, 0) / lossTail.length
    : Number.NaN;
  return {
    iterations: options.iterations,
    resumedFrom: startIter,
    finalLoss,
    wallMs: Date.now() - t0,
  };
}
