import type { BenchData } from './bench-data';
import type { PcscProfile } from './profiles';
import { type TrainingFrames, trainingFrames } from './train-detector';
import type { StreamTrunks } from './video-features';

/**
 * What every model of every seed trains on: the streams' pretrained trunks (one per stream, the
 * stand-in for PCSC's one Kinetics-pretrained I3D) and the training key frames' maps.
 */
export interface TrainingData {
  trunks: StreamTrunks;
  frames: TrainingFrames;
}

/**
 * The training data of the pretrained trunks (`readStreamTrunks` or `benchStreamTrunks`, which it
 * takes over): the training key frames' maps computed once; free the trunks with
 * {@link disposeTrainingData}.
 */
export function trainingDataOf(
  profile: PcscProfile,
  data: BenchData,
  trunks: StreamTrunks,
): TrainingData {
  try {
    return { trunks, frames: trainingFrames(profile, trunks, data.train) };
  } catch (error) {
    trunks.rgb.dispose();
    trunks.flow.dispose();
    throw error;
  }
}

/** Frees the trunks (the training frames' maps are in this process's memory, not the backend's). */
export function disposeTrainingData(training: TrainingData): void {
  training.trunks.rgb.dispose();
  training.trunks.flow.dispose();
}
