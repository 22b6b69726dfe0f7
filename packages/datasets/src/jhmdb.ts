import type { ActionDataset, VideoAnnotation } from './annotation-model';
import { TubekitFormatError } from './format-error';
import { validateDataset } from './validate-dataset';

/**
 * The 21 J-HMDB action labels in their standard (alphabetical) order; the per-frame ground-truth
 * files' 1-based class ids index this list.
 */
export const JHMDB_LABELS: readonly string[] = [
  'brush_hair',
  'catch',
  'clap',
  'climb_stairs',
  'golf',
  'jump',
  'kick_ball',
  'pick',
  'pour',
  'pullup',
  'push',
  'run',
  'shoot_ball',
  'shoot_bow',
  'shoot_gun',
  'sit',
  'stand',
  'swing_baseball',
  'throw',
  'walk',
  'wave',
];

/** J-HMDB frames are 320×240 pixels; its annotation files do not store the size. */
export const JHMDB_FRAME_SIZE = { width: 320, height: 240 } as const;

/**
 * Splits a J-HMDB flat name `<class>_<video>` (class names contain underscores) into the ACT
 * video name `<class>/<video>`, matching the longest label of {@link JHMDB_LABELS}; `undefined`
 * if no label matches.
 *
 * @example
 * jhmdbVideoName('clap_Boom_Snap_Clap_clap_u_nm_np1_fr_med_1'); // 'clap/Boom_Snap_Clap_clap_u_nm_np1_fr_med_1'
 */
export function jhmdbVideoName(flat: string): { name: string; label: number } | undefined {
  let best = -1;
  JHMDB_LABELS.forEach((label, i) => {
    if (flat.startsWith(`${label}_`) && (best < 0 || label.length > JHMDB_LABELS[best]!.length))
      best = i;
  });
  if (best < 0) return undefined;
  const label = JHMDB_LABELS[best]!;
  return { name: `${label}/${flat.slice(label.length + 1)}`, label: best };
}

/** One annotated frame of one video, as the J-HMDB readers collect them. */
export interface JhmdbFrameBox {
  frame: number;
  /** `[x1, y1, x2, y2]`. */
  box: [number, number, number, number];
  /** Where it came from, for error messages (`entry …/x_00012.txt`, `row 17`). */
  place: string;
}

/**
 * Builds a J-HMDB {@link ActionDataset} from per-frame boxes grouped by video (one actor, one tube
 * per video): frames must be consecutive and unique; the tube starts at the first annotated frame
 * and `nframes` is the last annotated frame (J-HMDB annotates every frame of its clips; the
 * annotation files store no frame count). Videos are sorted by name; frames are 320×240.
 */
export function jhmdbDataset(
  perVideo: Map<string, { label: number; frames: JhmdbFrameBox[] }>,
  file: string,
  splits: Record<string, string[]>,
): ActionDataset {
  const videos: VideoAnnotation[] = [];
  for (const [name, { label, frames }] of perVideo) {
    frames.sort((a, b) => a.frame - b.frame);
    const start = frames[0]!.frame;
    const boxes = new Float64Array(4 * frames.length);
    frames.forEach((f, t) => {
      if (t > 0 && f.frame === frames[t - 1]!.frame)
        throw new TubekitFormatError(
          file,
          f.place,
          `frame ${f.frame} of ${name} is annotated twice (also at ${frames[t - 1]!.place})`,
        );
      if (f.frame !== start + t)
        throw new TubekitFormatError(
          file,
          f.place,
          `frames of ${name} are not consecutive: ${start + t - 1} is followed by ${f.frame}`,
        );
      boxes.set(f.box, 4 * t);
    });
    videos.push({
      name,
      nframes: start + frames.length - 1,
      ...JHMDB_FRAME_SIZE,
      tubes: [{ label, start, boxes }],
    });
  }
  videos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const dataset: ActionDataset = { dataset: 'jhmdb-21', labels: [...JHMDB_LABELS], videos, splits };
  validateDataset(dataset, file);
  return dataset;
}
