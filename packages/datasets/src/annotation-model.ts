import type { Tube } from '@tubekit/geometry';

/** A ground-truth action tube: a {@link Tube} with its 0-based label. */
export interface GroundTruthTube extends Tube {
  /** 0-based index into {@link ActionDataset.labels}. */
  label: number;
}

/** One video's annotation. */
export interface VideoAnnotation {
  /** ACT-style name `<class folder>/<video>`, e.g. `Basketball/v_Basketball_g01_c01`. */
  name: string;
  /** Number of frames (frames are 1-based: 1 … nframes). */
  nframes: number;
  width: number;
  height: number;
  tubes: GroundTruthTube[];
}

/**
 * The one in-memory model of an annotated dataset that every reader produces and every writer
 * consumes (canonical file: `*.tubes.json`, see formats.md).
 */
export interface ActionDataset {
  dataset: string;
  /** Label names in the dataset's standard order. */
  labels: string[];
  videos: VideoAnnotation[];
  /** Named lists of video names: `train`, `test`, or `train1`, `test1`, … for J-HMDB. */
  splits: Record<string, string[]>;
}
