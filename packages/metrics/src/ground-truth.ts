import type { Tube } from '@tubekit/geometry';

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
}
