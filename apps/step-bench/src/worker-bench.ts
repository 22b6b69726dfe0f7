import { canonicalJson } from '@tubekit/queue';
import type { StepProfile } from './profiles';
import { prepareSynthBench, type SynthBench } from './train-models';

const benches = new Map<string, Promise<SynthBench>>();

/**
 * The rendered SynthTubes data of a profile in a worker's folder, prepared once per job process
 * (a worker keeps its process between jobs) and shared by its jobs of every seed: the frames
 * depend on the dataset and frame size only, and every model takes its seed from its own profile.
 */
export function workerBench(
  profile: StepProfile,
  workDir: string,
  log: (line: string) => void,
): Promise<SynthBench> {
  const key = canonicalJson([{ ...profile, seed: 0, seeds: [] }, workDir]);
  let bench = benches.get(key);
  if (!bench) {
    bench = prepareSynthBench(profile, workDir, log);
    benches.set(key, bench);
    bench.catch(() => benches.delete(key));
  }
  return bench;
}
