import { type BenchData, loadBenchData } from './bench-data';
import { type PcscProfileName, PROFILES } from './profiles';
import { type TrainingData, trainingDataOf } from './training-data';
import { readTrainingMaps } from './training-maps-file';
import type { TrunkFiles } from './trunk-files';
import { readStreamTrunks } from './trunks';

const benches = new Map<PcscProfileName, Promise<BenchData>>();
const trainings = new Map<string, Promise<TrainingData>>();

/** The profile's rendered videos in a job process, rendered once per process (kept between jobs). */
export function jobBenchData(profile: PcscProfileName): Promise<BenchData> {
  let data = benches.get(profile);
  if (!data) {
    data = loadBenchData(PROFILES[profile]);
    benches.set(profile, data);
    data.catch(() => benches.delete(profile));
  }
  return data;
}

/**
 * The trunks (read from their files) and training frames in a job process, loaded once per
 * process and kept for its later jobs (freed when the process ends): the frames read from the
 * stored `maps` parts (`pcsc-training-maps` jobs) when given, else computed here.
 */
export function jobTrainingData(
  profile: PcscProfileName,
  files: TrunkFiles,
  maps?: readonly string[],
): Promise<TrainingData> {
  const key = JSON.stringify([profile, files, maps]);
  let data = trainings.get(key);
  if (!data) {
    data = jobBenchData(profile).then(async (bench) => {
      const trunks = await readStreamTrunks(PROFILES[profile], files);
      if (!maps) return trainingDataOf(PROFILES[profile], bench, trunks);
      try {
        return { trunks, frames: await readTrainingMaps(maps, bench.train) };
      } catch (error) {
        trunks.rgb.dispose();
        trunks.flow.dispose();
        throw error;
      }
    });
    trainings.set(key, data);
    data.catch(() => trainings.delete(key));
  }
  return data;
}
