import {
  float32RawTensor,
  type RawTensor,
  rawTensorToFloat32,
  readSafetensors,
  writeSafetensors,
} from '@tubekit/nn';
import type { BenchVideoSource } from './bench-data';
import { assembleTrainingFrames, type TrainingFrames, type TrainingVideo } from './train-detector';
import type { HostMaps } from './video-features';

const STREAM_NAMES = ['rgb', 'flow'] as const;

/**
 * Writes the maps of a part's training videos (`trainingFrames` of them) to `path` atomically:
 * each video's levels per stream as float32 tensors `<index>/<stream>/<level>`, and in the
 * metadata the videos' names, indices in the training list and key frames, which
 * {@link readTrainingMaps} checks against the training list it is given.
 */
export async function writeTrainingMaps(
  path: string,
  videos: readonly TrainingVideo[],
): Promise<void> {
  const tensors: RawTensor[] = [];
  for (const v of videos)
    for (const stream of STREAM_NAMES)
      v.input[stream].forEach((maps, l) => {
        tensors.push(float32RawTensor(`${v.index}/${stream}/${l}`, maps.shape, maps.data));
      });
  await writeSafetensors(path, tensors, {
    format: 'tubekit-pcsc-training-maps',
    videos: JSON.stringify(videos.map((v) => ({ name: v.name, index: v.index, keys: v.keys }))),
  });
}

/**
 * The training frames of every part file (`paths`, each written by {@link writeTrainingMaps}),
 * in the training list's order, so that training draws the same batches as from maps computed in
 * one process (`trainingFrames`). Errors name the file: not a maps file, a video that is not the
 * training list's at its index, a missing tensor, or a video in two parts.
 */
export async function readTrainingMaps(
  paths: readonly string[],
  train: readonly BenchVideoSource[],
): Promise<TrainingFrames> {
  const videos: TrainingVideo[] = [];
  const seen = new Set<number>();
  for (const path of paths) {
    const file = await readSafetensors(path);
    if (file.metadata.format !== 'tubekit-pcsc-training-maps')
      throw new Error(`${path}: not a PCSC training-maps file (format "${file.metadata.format}")`);
    const byName = new Map(file.tensors.map((t) => [t.name, t]));
    const entries = JSON.parse(file.metadata.videos ?? '[]') as {
      name: string;
      index: number;
      keys: number[];
    }[];
    for (const { name, index, keys } of entries) {
      const source = train[index];
      if (source?.annotation.name !== name)
        throw new Error(
          `${path}: video ${index} is "${name}", the training list's is "${source?.annotation.name ?? 'absent'}" (maps of other videos?)`,
        );
      if (seen.has(index)) throw new Error(`${path}: video ${index} ("${name}") is in two parts`);
      seen.add(index);
      const levels = (stream: string) => {
        const out: HostMaps[] = [];
        let t = byName.get(`${index}/${stream}/0`);
        while (t) {
          if (t.shape.length !== 4 || t.shape[0] !== keys.length)
            throw new Error(
              `${path}: tensor "${t.name}" has shape [${t.shape.join(', ')}], expected [${keys.length} key frames, height, width, channels]`,
            );
          out.push({ data: rawTensorToFloat32(t), shape: [...t.shape] as HostMaps['shape'] });
          t = byName.get(`${index}/${stream}/${out.length}`);
        }
        if (out.length === 0) throw new Error(`${path}: no tensor "${index}/${stream}/0"`);
        return out;
      };
      videos.push({ index, name, keys, input: { rgb: levels('rgb'), flow: levels('flow') } });
    }
  }
  return assembleTrainingFrames(videos, train);
}
