import type { VideoAnnotation } from '@tubekit/datasets';
import { tubeLength } from '@tubekit/geometry';

/**
 * Whether the videos are trimmed to their actions: every video has a tube and every tube runs
 * from its first frame to its last (J-HMDB). SynthTubes, whose actors idle before and after the
 * action, and UCF101-24 are untrimmed. CFAD's TPN adds the whole video as a proposal on trimmed
 * datasets only (spec S3); the bench decides it from the training annotations.
 *
 * @example
 * ```ts
 * const wholeVideo = isTrimmed(data.train);
 * ```
 */
export function isTrimmed(videos: readonly VideoAnnotation[]): boolean {
  return (
    videos.length > 0 &&
    videos.every(
      (v) =>
        v.tubes.length > 0 &&
        v.tubes.every((t) => t.start === 1 && t.start + tubeLength(t) - 1 === v.nframes),
    )
  );
}
