import type { DetectedTube } from '@tubekit/geometry';
import { quoteInput } from './format-error';
import { MatReader } from './mat-access';
import { type MatFile, readMat } from './mat-v5';

/** The 10 UCF-Sports action labels in their standard (alphabetical) order. */
export const UCF_SPORTS_LABELS: readonly string[] = [
  'Diving',
  'Golf',
  'Kicking',
  'Lifting',
  'Riding',
  'Run',
  'SkateBoarding',
  'Swing1',
  'Swing2',
  'Walk',
];

/**
 * Reads the published UCF-Sports detection tubes (`ucfsports_tubes_test.mat`, Gkioxari & Malik,
 * "Finding Action Tubes", CVPR 2015) as {@link DetectedTube}s over {@link UCF_SPORTS_LABELS}.
 *
 * Structure of the file: `tubes(1×47)`, one element per test video, with `action` (the video's
 * true class, char), `video_id` (its number in UCF-Sports, 1…150) and `paths` — a 1×10 cell, one
 * cell per class in {@link UCF_SPORTS_LABELS} order (checked: the best-scoring class matches
 * `action` for 40 of the 47 videos), each a 1×K struct array of linked paths with
 * `total_score` (the path's score), `boxes` (T×4 `[x1 y1 x2 y2]` pixels, one row per frame from
 * frame 1 to the video's end), `scores` (T×1 per-frame detection scores) and `idx` (T×1, which
 * candidate box of each frame the linker chose; not part of the tube model).
 *
 * Each path becomes a tube: `video` = `<action>/<video_id>` (e.g. `Diving/1`; the file has no
 * UCF-Sports clip names), `label` = the cell's class index (0-based), `score` = `total_score`,
 * `start` = 1, `boxes` as stored, `scores` = per-frame scores, `id` = `<class>-<path>` (0-based).
 * Boxes must satisfy `x2 ≥ x1`, `y2 ≥ y1`, and `scores`/`idx` must have one row per box.
 *
 * @example
 * const tubes = ucfSportsTubesFromMat(await readMat('ucfsports_tubes_test.mat'), 'ucfsports_tubes_test.mat');
 * tubes.length; // 4700 (47 videos × 10 classes × 10 paths)
 */
export function ucfSportsTubesFromMat(mat: MatFile, file: string): DetectedTube[] {
  const m = new MatReader(file);
  const tubes = m.struct(m.variable(mat, 'tubes'), 'tubes', ['action', 'video_id', 'paths']);
  const out: DetectedTube[] = [];
  tubes.elements.forEach((e, v) => {
    const at = `tubes(${v + 1})`;
    const action = m.string(e.action, `${at}.action`);
    if (!UCF_SPORTS_LABELS.includes(action))
      m.fail(`${at}.action`, `unknown UCF-Sports action ${quoteInput(action)}`);
    const video = `${action}/${m.integer(e.video_id, `${at}.video_id`)}`;
    const paths = m.cell(e.paths, `${at}.paths`);
    if (paths.items.length !== UCF_SPORTS_LABELS.length)
      m.fail(
        `${at}.paths`,
        `expected one cell per class (${UCF_SPORTS_LABELS.length}), got ${paths.items.length}`,
      );
    paths.items.forEach((cell, c) => {
      const cat = `${at}.paths{${c + 1}}`;
      if (cell.kind === 'numeric' && cell.data.length === 0) return; // no path for this class
      const s = m.struct(cell, cat, ['total_score', 'idx', 'boxes', 'scores']);
      s.elements.forEach((p, k) => {
        const pat = `${cat}(${k + 1})`;
        const boxes = m.matrix(p.boxes, 4, `${pat}.boxes`);
        const T = boxes.dims[0]!;
        if (T === 0) m.fail(`${pat}.boxes`, 'empty path');
        const scores = m.numeric(p.scores, `${pat}.scores`);
        const idx = m.numeric(p.idx, `${pat}.idx`);
        if (scores.data.length !== T || idx.data.length !== T)
          m.fail(
            pat,
            `inconsistent frame counts: ${T} boxes, ${scores.data.length} scores, ${idx.data.length} idx`,
          );
        const b = Float64Array.from(boxes.data);
        for (let t = 0; t < T; t++)
          if (b[4 * t + 2]! < b[4 * t]! || b[4 * t + 3]! < b[4 * t + 1]!)
            m.fail(
              `${pat}.boxes`,
              `row ${t + 1}: expected x2 ≥ x1 and y2 ≥ y1, got [${Array.from(b.subarray(4 * t, 4 * t + 4)).join(' ')}]`,
            );
        const score = m.scalar(p.total_score, `${pat}.total_score`);
        if (!Number.isFinite(score))
          m.fail(`${pat}.total_score`, `expected a finite score, got ${score}`);
        out.push({
          video,
          id: `${c}-${k}`,
          label: c,
          score,
          start: 1,
          boxes: b,
          scores: Float64Array.from(scores.data),
        });
      });
    });
  });
  return out;
}

/**
 * Reads `ucfsports_tubes_test.mat`. See {@link ucfSportsTubesFromMat}.
 *
 * @example
 * const tubes = await readUcfSportsTubesMat(tubekitDataPath('ucfsports/ucfsports_tubes_test.mat'));
 */
export async function readUcfSportsTubesMat(path: string): Promise<DetectedTube[]> {
  return ucfSportsTubesFromMat(await readMat(path), path);
}
