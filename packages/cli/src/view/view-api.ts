/**
 * The JSON documents the `tubekit view` server sends its page (one definition for both sides: the
 * page imports these types). Boxes are `[x1, y1, x2, y2]` in video pixels; frames are 1-based.
 */

/** What a detection is under the chosen protocol and IoU (`@tubekit/metrics` `DetectionOutcome`). */
export type ViewOutcome =
  | 'truePositive'
  | 'duplicate'
  | 'localization'
  | 'wrongClass'
  | 'timing'
  | 'other'
  | 'suppressed'
  | 'ignored';

/** `GET /api/session`: what was loaded. */
export interface ViewSession {
  /** What the page's title shows: the GT file or the SynthTubes preset. */
  title: string;
  labels: string[];
  videos: Array<{
    name: string;
    nframes: number;
    width: number;
    height: number;
    /** GT tubes. */
    tubes: number;
    /** Detections (rows or tubes). */
    detections: number;
    /** Whether `GET /api/frame` serves this video's images (else the page draws on a blank frame). */
    frames: boolean;
  }>;
  /** Protocols the page offers (frame/video-level ones of `@tubekit/metrics`). */
  protocols: string[];
  /** `'frame'` for per-frame detections, `'tube'` for detected tubes, `null` without `--det`. */
  detections: 'frame' | 'tube' | null;
  /** Whether per-stage proposals were loaded (`--proposals`). */
  proposals: boolean;
  defaults: { video: string; protocol: string; iou: number; level: 'frame' | 'video' };
}

/** One GT tube. */
export interface ViewTube {
  label: number;
  start: number;
  boxes: number[][];
}

/** One detection: a frame detection (one box) or a detected tube, with an outcome per box. */
export interface ViewDetection {
  /** Its id: the CSV tube id, or the frame detection's 0-based row within the video. */
  id: string;
  label: number;
  score: number;
  start: number;
  boxes: number[][];
  /** Per box: its outcome (frame level: that box matched on its frame; video level: the tube's). */
  outcomes: ViewOutcome[];
  /** Per box: the highest IoU with a GT of its class (frame level: box IoU; video level: tube IoU); null when none. */
  iou: (number | null)[];
}

/** `GET /api/video?name=&protocol=&iou=&level=`: one video's GT, detections and their outcomes. */
export interface ViewVideo {
  name: string;
  nframes: number;
  width: number;
  height: number;
  protocol: string;
  iou: number;
  level: 'frame' | 'video';
  gt: ViewTube[];
  detections: ViewDetection[];
}

/** `GET /api/proposals?video=`: the video's per-stage proposals (docs/formats.md). */
export interface ViewProposals {
  method: string;
  clips: Array<{
    start: number;
    length: number;
    stages: Array<{
      name: string;
      proposals: Array<{ start: number; boxes: number[][]; label?: number; score?: number }>;
    }>;
  }>;
}

/** The body of every non-2xx JSON answer. */
export interface ViewError {
  error: string;
}

/**
 * What the page drew on a canvas, in canvas pixels: it keeps this list as JSON in the canvas's
 * `data-drawn` attribute (and the frame number in `data-frame`, `data-ready="true"` once the frame
 * image is drawn), for tests and curious users.
 */
export interface DrawnBox {
  kind: 'gt' | 'det' | 'proposal';
  label: number | null;
  /** `[x1, y1, x2, y2]` canvas pixels of the outline (integers; lines are centred on x + 0.5). */
  rect: [number, number, number, number];
  /** Its RGB colour (the class colour; white for proposals without a label). */
  colour: readonly [number, number, number];
  score?: number;
  outcome?: ViewOutcome;
}
