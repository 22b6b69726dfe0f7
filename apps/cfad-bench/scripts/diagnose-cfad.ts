/**
 * How far does one CFAD configuration learn? Trains one model of a profile through the
 * benchmark's own path (step's rendered frames and pretrained trunk, CFAD's variant frames,
 * `runModel`) once per iteration count, one after another in this process, and prints for each
 * its training time and final loss, then per inference setting (no refinement, and the largest σ)
 * the v-MABO of its output tubes (class-agnostic: do they find the actor?), v-mAP at δ = 0.2 and
 * 0.5, frame-mAP@0.5 and Fig. 5's outcome counts. Nothing is cached: each count trains afresh.
 *
 *   nice -n 10 npx tsx apps/cfad-bench/scripts/diagnose-cfad.ts [profile] [model] [--iterations 100,400] [--out dir] [--conv onnxruntime|wasm] [--set key=value …] [--anchors]
 *
 * `--anchors` also prints, after training, how the coarse module sees each GT tube on the tube's
 * own span (test videos, and as many training videos): the anchor that the segment-wise matching
 * would label positive (best first-segment IoU) — its rank among the span's anchors by foreground
 * score, whether its top class is the tube's, its p(background), the mean IoU of its coarse tube
 * (Eq. 6 knots) with the GT boxes at the sample times, and of the anchor box held still — and the
 * same for the top-scoring anchor. It tells classification from localisation from ranking.
 *
 * `--set key=value` replaces a profile field for the probe (value in JSON, e.g. `--set hidden=64`).
 *
 * `--out` is the CFAD output folder of a finished or started run (default `results/cfad`): its
 * step trunk comes from the `step` folder beside it, as `pnpm reproduce` arranges, and is
 * pretrained there if missing.
 */
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { VideoAnnotation } from '@tubekit/datasets';
import { boxIoU, clipBoxes, interpolateBoxes, segmentIoUs, tubeLength } from '@tubekit/geometry';
import {
  type CoarseToFineDetector,
  SEGMENT_LENGTH,
  sampleTimes,
} from '@tubekit/heads/coarse-to-fine';
import { initBackend, tf } from '@tubekit/nn';
import {
  DEFAULT_CONVOLUTIONS,
  parseConvolutions,
  selectConvolutions,
} from '@tubekit/step-bench/convolutions';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { loadTrunk, prepareSynthBench } from '@tubekit/step-bench/train-models';
import { type CfadModality, type CfadVideos, prepareVariant, trainingVideo } from '../src/data';
import { type CfadProfile, type CfadProfileName, PROFILES } from '../src/profiles';
import { profileModels } from '../src/results';
import { runModel } from '../src/run-model';

async function main() {
  await initBackend({ log: () => undefined });
  const { values, positionals } = parseArgs({
    options: {
      out: { type: 'string' },
      conv: { type: 'string' },
      iterations: { type: 'string' },
      set: { type: 'string', multiple: true },
      anchors: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const outDir = resolve(values.out ?? join('results', 'cfad'));
  const convolutions = await selectConvolutions(
    values.conv === undefined ? DEFAULT_CONVOLUTIONS : parseConvolutions(values.conv),
  );
  const counts = (values.iterations ?? '100').split(',').map((v) => {
    const n = Number(v);
    if (!(Number.isInteger(n) && n > 0))
      throw new Error(`--iterations expects positive integers separated by commas, got "${v}"`);
    return n;
  });
  const name = (positionals[0] ?? 'quick') as CfadProfileName;
  const named = PROFILES[name];
  if (!named)
    throw new Error(`no profile "${name}"; expected one of ${Object.keys(PROFILES).join(', ')}`);
  const base: CfadProfile = {
    ...named,
    ...Object.fromEntries((values.set ?? []).map(profileField)),
  };
  const modelId = positionals[1] ?? `dynamic-k${base.orders[Math.floor(base.orders.length / 2)]}`;
  const config = profileModels(base).find((m) => m.id === modelId);
  if (!config)
    throw new Error(
      `no model "${modelId}"; expected one of ${profileModels(base)
        .map((m) => m.id)
        .join(', ')}`,
    );
  const log = (line: string) => console.log(line);
  const step = STEP_PROFILES[base.step];
  const bench = await prepareSynthBench(step, join(dirname(outDir), 'step'), log);
  const data = await prepareVariant(base, step, config.variant, join(outDir, 'cache', base.name));
  log(
    `${modelId} (${config.variant}, ${data.train.length} train / ${data.test.length} test videos), convolutions ${convolutions}`,
  );
  const pct = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(1)}%`);
  for (const iterations of counts) {
    const profile = { ...base, iterations };
    const trunk = await loadTrunk(bench, config.modality);
    let result: Awaited<ReturnType<typeof runModel>>;
    try {
      result = await runModel(profile, data, trunk, { ...config, selectionSweep: false }, 1, {
        afterTraining: values.anchors
          ? (det) => {
              for (const [split, videos] of [
                ['test', data.test],
                ['train', data.train.slice(0, data.test.length)],
              ] as const)
                log(
                  `  anchors, ${split} (${data.labels.length} classes): ${describeAnchors(anchorReport(det, data, config.modality, videos, profile.clipLength))}`,
                );
            }
          : undefined,
      });
    } finally {
      trunk.dispose();
    }
    log(
      `${iterations} iterations: training ${(result.train.wallMs / 1000).toFixed(0)} s, final loss ${result.train.finalLoss.toFixed(3)}`,
    );
    const keys = Object.keys(result.refine);
    for (const key of [keys[0], keys[keys.length - 1]]) {
      const e = key === undefined ? undefined : result.refine[key];
      if (!e) continue;
      log(
        `  ${key}: v-MABO ${pct(e.mabo)}, v-mAP@0.2 ${pct(e.videoMap['0.2'])}, @0.5 ${pct(e.videoMap['0.5'])}, frame-mAP@0.5 ${pct(e.frameMap)}, outcomes ${JSON.stringify(e.errors)}`,
      );
    }
  }
}

/** What {@link anchorReport} measures for one GT tube. */
interface AnchorRow {
  /** The matcher's anchor (best first-segment IoU): that IoU, its rank by foreground score (0 = top). */
  matchedIoU: number;
  matchedRank: number;
  matchedClassRight: boolean;
  matchedBackground: number;
  /** Mean IoU of the anchor's coarse tube with the GT boxes at the N sample times. */
  matchedTubeIoU: number;
  /** The same for the anchor box held still (θ = 0): what the regression adds. */
  matchedStillIoU: number;
  /** The top-scoring anchor: its first-segment IoU, class and coarse-tube IoU. */
  topIoU: number;
  topClassRight: boolean;
  topTubeIoU: number;
}

/** {@link AnchorRow} of every GT tube (≥ 2 frames) of `videos`, each on its own span. */
function anchorReport(
  det: CoarseToFineDetector,
  data: CfadVideos,
  modality: CfadModality,
  videos: readonly VideoAnnotation[],
  T: number,
): AnchorRow[] {
  const rows: AnchorRow[] = [];
  const M = det.anchors.length / 4;
  const C1 = det.options.numClasses + 1;
  const frame = { width: det.options.frameSize, height: det.options.frameSize };
  for (const video of videos) {
    const clip = trainingVideo(data, modality, video, T);
    const neck = tf.tidy(() => det.features(clip.frames));
    clip.frames.dispose();
    for (const tube of clip.tubes) {
      const n = tubeLength(tube);
      if (n < 2) continue;
      const end = tube.start + n - 1;
      const { P, TH } = tf.tidy(() => {
        const F = tf.expandDims(
          det.sampleSpan(neck, tube.start, end, video.nframes),
        ) as tf.Tensor5D;
        const out = det.coarse.forward(F);
        return {
          P: tf.softmax(out.logits).dataSync() as Float32Array,
          TH: out.theta.dataSync() as Float32Array,
        };
      });
      // the matcher's first segment (coarseTargets' default K)
      const first = segmentIoUs(det.anchors, [tube], SEGMENT_LENGTH).first;
      const times = sampleTimes(tube.start, end, det.options.samples);
      const frames = Array.from({ length: n }, (_, i) => tube.start + i);
      const gt = interpolateBoxes(frames, tube.boxes, times, { method: 'linear' });
      // mean IoU with the GT boxes at the sample times of N boxes, or of one box held still
      const meanIoU = (boxes: Float32Array | Float64Array) => {
        let sum = 0;
        for (let i = 0; i < times.length; i++) {
          const o = boxes.length === 4 ? 0 : 4 * i;
          sum += boxIoU(boxes.subarray(o, o + 4), gt.subarray(4 * i, 4 * i + 4));
        }
        return sum / times.length;
      };
      const tubeIoU = (a: number) => meanIoU(det.anchorKnots(TH, a));
      const foreground = (a: number) => 1 - P[a * C1]!;
      const topClass = (a: number) => {
        let c = 1;
        for (let j = 2; j < C1; j++) if (P[a * C1 + j]! > P[a * C1 + c]!) c = j;
        return c - 1;
      };
      let matched = 0;
      let top = 0;
      for (let a = 1; a < M; a++) {
        if (first[a]! > first[matched]!) matched = a;
        if (foreground(a) > foreground(top)) top = a;
      }
      let rank = 0;
      for (let a = 0; a < M; a++) if (foreground(a) > foreground(matched)) rank++;
      rows.push({
        matchedIoU: first[matched]!,
        matchedRank: rank,
        matchedClassRight: topClass(matched) === tube.label,
        matchedBackground: P[matched * C1]!,
        matchedTubeIoU: tubeIoU(matched),
        // θ = 0 decodes to the anchor box itself, clipped to the frame as the knots are
        matchedStillIoU: meanIoU(clipBoxes(det.anchors.slice(4 * matched, 4 * matched + 4), frame)),
        topIoU: first[top]!,
        topClassRight: topClass(top) === tube.label,
        topTubeIoU: tubeIoU(top),
      });
    }
    neck.dispose();
  }
  return rows;
}

/** One line of means over {@link anchorReport}'s rows. */
function describeAnchors(rows: readonly AnchorRow[]): string {
  if (rows.length === 0) return 'no GT tube of ≥ 2 frames';
  const mean = (f: (r: AnchorRow) => number) =>
    (rows.reduce((s, r) => s + f(r), 0) / rows.length).toFixed(2);
  const ranks = rows.map((r) => r.matchedRank).sort((a, b) => a - b);
  return `${rows.length} GT tubes. Matched anchor: first-segment IoU ${mean((r) => r.matchedIoU)}, median rank by foreground ${ranks[rows.length >> 1]} (top 3 in ${mean((r) => +(r.matchedRank < 3))}), class right ${mean((r) => +r.matchedClassRight)}, p(background) ${mean((r) => r.matchedBackground)}, coarse-tube IoU ${mean((r) => r.matchedTubeIoU)} (held still ${mean((r) => r.matchedStillIoU)}). Top-scoring anchor: first-segment IoU ${mean((r) => r.topIoU)}, class right ${mean((r) => +r.topClassRight)}, coarse-tube IoU ${mean((r) => r.topTubeIoU)}`;
}

/** `--set key=value`: a profile field replaced for this probe; the value is JSON (`hidden=64`). */
function profileField(assignment: string): [string, unknown] {
  const eq = assignment.indexOf('=');
  const key = assignment.slice(0, eq);
  if (eq <= 0 || !(key in PROFILES.quick))
    throw new Error(
      `--set expects key=value with a CfadProfile key (${Object.keys(PROFILES.quick).join(', ')}), got "${assignment}"`,
    );
  try {
    return [key, JSON.parse(assignment.slice(eq + 1))];
  } catch {
    throw new Error(`--set ${key}: "${assignment.slice(eq + 1)}" is not JSON`);
  }
}

main().catch((error) => {
  console.error(`diagnose-cfad: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
