import type { VideoAnnotation } from '@tubekit/datasets';
import { frameGroundTruth } from './bench-data';

/**
 * Which frames of a training video the detector trains on: every `every`-th frame, the first
 * included, counted over
 * - `'annotated'`: the frames with at least one GT box only, or
 * - `'all'`: every frame of the video. In an untrimmed video the frames before and after the
 *   action are key frames too, with no GT box: every actor there (the actor idling outside its
 *   action, bystanders) is background. The paper's mini-UCF-101-24 samples the training videos
 *   "every 10 frames" (spec §4.3), which reads as this.
 */
export interface TrainingKeyFrames {
  every: number;
  of: 'annotated' | 'all';
}

/** A training video's key frames (1-based, ascending) under {@link TrainingKeyFrames}. */
export function trainingKeyFrames(video: VideoAnnotation, keyFrames: TrainingKeyFrames): number[] {
  const counted: number[] = [];
  for (let f = 1; f <= video.nframes; f++)
    if (keyFrames.of === 'all' || frameGroundTruth(video, f).labels.length > 0) counted.push(f);
  return counted.filter((_, i) => i % keyFrames.every === 0);
}

/** "every 10th annotated frame" / "every 10th frame", for the report and logs. */
export function describeKeyFrames({ every, of }: TrainingKeyFrames): string {
  const nth = every === 1 ? '' : `${every}${ordinalSuffix(every)} `;
  return `every ${nth}${of === 'annotated' ? 'annotated ' : ''}frame`;
}

function ordinalSuffix(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
}
