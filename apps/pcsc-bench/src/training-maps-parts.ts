import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { Convolutions } from '@tubekit/step-bench/convolutions';
import { type PcscProfile, stepProfileOf } from './profiles';
import type { TrunkFiles } from './trunk-files';

/** A share of the training videos: those whose index in the training list is `part` modulo `parts`. */
export interface MapsPart {
  part: number;
  parts: number;
}

/** The training videos of a part, with their indices in the training list. */
export function partVideos<T>(videos: readonly T[], { part, parts }: MapsPart): number[] {
  if (
    !(Number.isInteger(parts) && parts >= 1 && Number.isInteger(part) && part >= 0 && part < parts)
  )
    throw new RangeError(`training maps: part ${part} of ${parts}; expected 0 ≤ part < parts`);
  return videos.flatMap((_, i) => (i % parts === part ? [i] : []));
}

/**
 * Where a part of the training key frames' maps is stored:
 * `<cacheDir>/training-maps/<hash>.part-<p>-of-<n>.safetensors`, the hash over what the maps
 * depend on: the profile's training videos and their stress variants, key frames and stacks, the
 * step profile (the rendered data), the trunk files' names (step-bench names each by a hash of its
 * configuration) and where the convolutions run (their float rounding differs).
 */
export function trainingMapsFile(
  profile: PcscProfile,
  trunks: TrunkFiles,
  { part, parts }: MapsPart,
  cacheDir: string,
  convolutions: Convolutions,
): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        profile.videos.train,
        profile.stress,
        // annotated key frames hash as the count alone (the old `trainEvery`): their files keep
        // the names they had
        profile.keyFrames.of === 'annotated' ? profile.keyFrames.every : profile.keyFrames,
        profile.stacks,
        stepProfileOf(profile),
        basename(trunks.rgb),
        basename(trunks.flow),
        convolutions,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return join(cacheDir, 'training-maps', `${hash}.part-${part}-of-${parts}.safetensors`);
}
