import type { BenchData } from './bench-data';
import type { PcscProfile } from './profiles';
import { disposeTrainingFrames, type TrainingFrames, trainingFrames } from './train-detector';
import { pretrainedTrunk } from './trunks';
import type { StreamTrunks } from './video-features';

/** What every model of a seed trains on: the streams' pretrained trunks and the key frames' maps. */
export interface SeedData {
  trunks: StreamTrunks;
  frames: TrainingFrames;
}

/**
 * The seed's pretrained trunks (pretrained once into `cacheDir`, loaded from it afterwards) and
 * its training key frames' maps; free them with {@link disposeSeedData}.
 */
export async function loadSeedData(
  profile: PcscProfile,
  data: BenchData,
  seed: number,
  cacheDir: string,
  log: (line: string) => void,
): Promise<SeedData> {
  const C = data.labels.length;
  const trunks: StreamTrunks = {
    rgb: await pretrainedTrunk(profile, 'rgb', seed, data.train, C, cacheDir, log),
    flow: await pretrainedTrunk(profile, 'flow', seed, data.train, C, cacheDir, log),
  };
  return { trunks, frames: trainingFrames(profile, trunks, data.train) };
}

/** Frees a seed's trunks and training frames. */
export function disposeSeedData(seedData: SeedData): void {
  disposeTrainingFrames(seedData.frames);
  seedData.trunks.rgb.dispose();
  seedData.trunks.flow.dispose();
}
