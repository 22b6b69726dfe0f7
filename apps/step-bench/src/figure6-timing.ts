import { existsSync } from 'node:fs';
import type { FrameReader, ProgressiveDetector } from '@tubekit/heads/progressive';
import { readCheckpoint } from '@tubekit/nn';
import type { StepModelConfig } from './configurations';
import { firstLine } from './damaged-cache';
import { seedProfile } from './profiles';
import { createStepDetector, detectionFps, timingVideos } from './run-model';
import { loadTrunk, modelCheckpointPath, profileModels, type SynthBench } from './train-models';

/**
 * The models Figure 6 times and the step prefixes of each: (a) steps 1…3 without extension
 * (`smax3`) and with it (`anticipation`), (b) 3 steps with 5, 11 (`smax3`) and 34 initial
 * proposals.
 */
export const FIGURE6_TIMINGS: ReadonlyArray<{ id: string; steps: readonly number[] }> = [
  { id: 'smax3', steps: [1, 2, 3] },
  { id: 'anticipation', steps: [1, 2, 3] },
  { id: 'proposals-5', steps: [3] },
  { id: 'proposals-34', steps: [3] },
];

/** Rounds of {@link timeFigure6}: each (model, steps) pair's fps is the median of its rounds. */
export const FIGURE6_ROUNDS = 3; // odd: the median is one measured round

/**
 * Figure 6's runtimes of one seed, timed after training in this process alone: each trained
 * model ({@link FIGURE6_TIMINGS}, weights from its final training checkpoint) runs the timing
 * videos (`timingVideos`, `detectionFps`) once per (model, step prefix) in each of
 * {@link FIGURE6_ROUNDS} rounds, every round in a rotated order, and each pair keeps the median
 * of its rounds. The models' own timings were taken inside their training jobs, beside whatever
 * the other workers ran, and compare runs of different moments; these compare runs of one.
 *
 * @returns `fpsByStep` per model id (NaN for a step prefix not timed), or why not (`missing`):
 *   a checkpoint not on this machine (models trained on a queue's workers) or not readable.
 */
export async function timeFigure6(
  bench: SynthBench,
  seed: number,
): Promise<{ fps: Map<string, number[]> } | { missing: string }> {
  const profile = seedProfile(bench.profile, seed);
  const configs = profileModels(bench.profile);
  const numClasses = bench.synth.dataset.labels.length;
  const videos = timingVideos(profile, bench.test);
  const models: Array<{
    config: StepModelConfig;
    steps: readonly number[];
    detector: ProgressiveDetector;
    read: FrameReader;
  }> = [];
  try {
    for (const { id, steps } of FIGURE6_TIMINGS) {
      const config = configs.find((c) => c.id === id);
      if (!config) throw new Error(`step-bench: Figure 6 times model ${id}, not in the profile`);
      const path = modelCheckpointPath(bench, config, seed);
      if (!existsSync(path)) return { missing: `no checkpoint ${path}` };
      const detector = createStepDetector(
        profile,
        config,
        numClasses,
        await loadTrunk(bench, config.modality),
      );
      models.push({ config, steps, detector, read: bench.frames.reader(config.modality) });
      try {
        detector.loadParameters(await readCheckpoint(path), path);
      } catch (error) {
        // a damaged checkpoint costs this timing, not the report
        return { missing: firstLine(error) };
      }
    }
    const pairs = models.flatMap((m) => m.steps.map((step) => ({ model: m, step })));
    const times = pairs.map(() => [] as number[]);
    for (let round = 0; round < FIGURE6_ROUNDS; round++)
      for (let i = 0; i < pairs.length; i++) {
        const at = (i + round) % pairs.length;
        const { model, step } = pairs[at]!;
        times[at]!.push(detectionFps(model.detector, videos, model.read, step));
      }
    const fps = new Map<string, number[]>();
    for (const m of models)
      fps.set(
        m.config.id,
        Array.from({ length: m.config.steps }, () => Number.NaN),
      );
    pairs.forEach(({ model, step }, i) => {
      const sorted = [...times[i]!].sort((a, b) => a - b);
      fps.get(model.config.id)![step - 1] = sorted[(sorted.length - 1) >> 1]!;
    });
    return { fps };
  } finally {
    for (const m of models) {
      m.detector.dispose();
      m.detector.trunk.dispose();
    }
  }
}
