import { type BenchData, loadBenchData } from './bench-data';
import { type PcscProfileName, PROFILES } from './profiles';
import { loadSeedData, type SeedData } from './seed-data';

const benches = new Map<PcscProfileName, Promise<BenchData>>();
const seeds = new Map<string, Promise<SeedData>>();

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
 * A seed's trunks and training frames in a job process, loaded once per process and kept for its
 * later jobs of the same seed (freed when the process ends).
 */
export function jobSeedData(
  profile: PcscProfileName,
  seed: number,
  cacheDir: string,
  log: (line: string) => void,
): Promise<SeedData> {
  const key = JSON.stringify([profile, seed, cacheDir]);
  let data = seeds.get(key);
  if (!data) {
    data = jobBenchData(profile).then((bench) =>
      loadSeedData(PROFILES[profile], bench, seed, cacheDir, log),
    );
    seeds.set(key, data);
    data.catch(() => seeds.delete(key));
  }
  return data;
}
