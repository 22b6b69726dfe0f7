import type { Tube } from '@tubekit/geometry';
import type { IssueTracker } from './input-issues';

/** A GT tube as metrics needs it (structurally `GroundTruthTube` of `@tubekit/datasets`). */
export interface GroundTruthTubeInput extends Tube {
  /** 0-based index into {@link GroundTruthInput.labels}. */
  label: number;
}

/** One annotated video (structurally `VideoAnnotation` of `@tubekit/datasets`). */
export interface GroundTruthVideoInput {
  /** ACT-style name `<class folder>/<video>`. */
  name: string;
  /** Number of frames (1 … nframes); 0 or absent when unknown. */
  nframes?: number;
  tubes: readonly GroundTruthTubeInput[];
}

/**
 * The ground truth metrics evaluate against — any `ActionDataset` from `@tubekit/datasets`
 * satisfies it, so this package needs no dataset reader at runtime.
 */
export interface GroundTruthInput {
  /** Label names; detections carry 0-based indices into this list. */
  labels: readonly string[];
  videos: readonly GroundTruthVideoInput[];
}

/** GT and evaluated-video lookup shared by the evaluators. */
export class GroundTruthIndex {
  readonly byName = new Map<string, GroundTruthVideoInput>();
  readonly evaluated: Set<string>;

  constructor(
    readonly gt: GroundTruthInput,
    videos: readonly string[] | undefined,
  ) {
    for (const v of gt.videos) this.byName.set(v.name, v);
    if (videos === undefined) {
      this.evaluated = new Set(this.byName.keys());
    } else {
      this.evaluated = new Set();
      for (const name of videos) {
        if (!this.byName.has(name))
          throw new RangeError(
            `evaluated video ${JSON.stringify(name)} is not in the ground truth (${gt.videos.length} videos)`,
          );
        this.evaluated.add(name);
      }
    }
  }

  /** Evaluated videos in GT order. */
  evaluatedVideos(): GroundTruthVideoInput[] {
    return this.gt.videos.filter((v) => this.evaluated.has(v.name));
  }

  /**
   * Admits one video's detections into a streaming evaluator: the GT video when they are to be
   * matched; `undefined` when they are skipped — an unknown video is reported per row, a video
   * outside the evaluated set is counted. A video may be added once (`added` remembers it), so a
   * class's ranking never mixes two partial calls.
   *
   * @param what the evaluator and its items for messages, e.g. `{ metric: 'video-mAP', items: 'tubes' }`
   */
  admitVideo(
    video: string,
    rows: ArrayLike<number>,
    issues: IssueTracker,
    added: Set<string>,
    what: { metric: string; items: string },
  ): GroundTruthVideoInput | undefined {
    const gtVideo = this.byName.get(video);
    if (gtVideo === undefined) {
      for (let i = 0; i < rows.length; i++)
        issues.report(
          'unknown-video',
          rows[i]!,
          `video ${JSON.stringify(video)} is not in the ground truth`,
        );
      return undefined;
    }
    if (!this.evaluated.has(video)) {
      issues.warnings.outsideEvaluatedVideos += rows.length;
      return undefined;
    }
    if (added.has(video))
      throw new Error(
        `${what.metric}: ${what.items} of video ${JSON.stringify(video)} were already added; add all of a video's ${what.items} in one call`,
      );
    added.add(video);
    return gtVideo;
  }
}
