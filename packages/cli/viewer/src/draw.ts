import type { DrawnBox, ViewVideo } from '../../src/view/view-api';
import { classColour, css, OUTCOMES } from './colours';

/** The box of a tube-like item (`start`, `boxes`) on 1-based `frame`, if it covers it. */
export function boxAt(
  item: { start: number; boxes: number[][] },
  frame: number,
): number[] | undefined {
  return item.boxes[frame - item.start];
}

/** A canvas rect of a video box at `scale`, rounded so that odd line widths cover whole pixels. */
function rectOf(box: number[], scale: number): [number, number, number, number] {
  return [
    Math.round(box[0]! * scale),
    Math.round(box[1]! * scale),
    Math.round(box[2]! * scale),
    Math.round(box[3]! * scale),
  ];
}

function outline(
  ctx: CanvasRenderingContext2D,
  rect: [number, number, number, number],
  colour: DrawnBox['colour'],
  width: number,
  dash: number[] = [],
): void {
  ctx.save();
  ctx.strokeStyle = css(colour);
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  const [x1, y1, x2, y2] = rect;
  ctx.strokeRect(x1 + 0.5, y1 + 0.5, x2 - x1, y2 - y1);
  ctx.restore();
}

/** Draws a tag above (x, y) — or further up, or below, where it would cover a tag in `placed` — and records it there. */
function tag(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  text: string,
  fill: DrawnBox['colour'],
  placed: Array<[number, number, number]>,
): void {
  ctx.save();
  ctx.font = '11px system-ui, sans-serif';
  const w = Math.ceil(ctx.measureText(text).width) + 6;
  const free = (top: number) =>
    !placed.some(([px, pt, pw]) => Math.abs(pt - top) < 14 && px < x + w && x < px + pw);
  const candidates = [y - 15, y - 30, y - 45, y + 1, y + 16, y + 31].map((t) => Math.max(0, t));
  const top = candidates.find(free) ?? candidates[0]!;
  placed.push([x, top, w]);
  ctx.fillStyle = css(fill);
  ctx.fillRect(x, top, w, 14);
  ctx.fillStyle = '#000';
  ctx.fillText(text, x + 3, top + 11);
  ctx.restore();
}

/** Paints the frame image (or a blank frame) at `scale`. */
export function paintBackground(
  ctx: CanvasRenderingContext2D,
  image: HTMLImageElement | null,
  width: number,
  height: number,
): void {
  ctx.fillStyle = '#2b2f36';
  ctx.fillRect(0, 0, width, height);
  if (image) {
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, 0, 0, width, height);
  }
}

/** Options of {@link drawFrameBoxes}. */
export interface FrameDrawOptions {
  scale: number;
  showGt: boolean;
  showDetections: boolean;
  minScore: number;
}

/**
 * Draws one frame's detections (dashed, class colour, a tag with the outcome and score coloured by
 * the outcome) and then its GT boxes (solid 3 px, class colour) on top. Returns what it drew.
 */
export function drawFrameBoxes(
  ctx: CanvasRenderingContext2D,
  video: ViewVideo,
  frame: number,
  options: FrameDrawOptions,
): DrawnBox[] {
  const drawn: DrawnBox[] = [];
  if (options.showDetections) {
    const here = video.detections
      .map((d) => ({ d, k: frame - d.start }))
      .filter(({ d, k }) => k >= 0 && k < d.boxes.length && d.score >= options.minScore)
      .sort((a, b) => a.d.score - b.d.score);
    const placed: Array<[number, number, number]> = [];
    for (const { d, k } of here) {
      const rect = rectOf(d.boxes[k]!, options.scale);
      const colour = classColour(d.label);
      const outcome = d.outcomes[k]!;
      outline(ctx, rect, colour, 2, [6, 3]);
      tag(
        ctx,
        rect[0],
        rect[1],
        `${OUTCOMES[outcome].tag} ${d.score.toFixed(2)}`,
        OUTCOMES[outcome].colour,
        placed,
      );
      drawn.push({ kind: 'det', label: d.label, rect, colour, score: d.score, outcome });
    }
  }
  if (options.showGt)
    for (const t of video.gt) {
      const box = boxAt(t, frame);
      if (!box) continue;
      const rect = rectOf(box, options.scale);
      const colour = classColour(t.label);
      outline(ctx, rect, colour, 3);
      drawn.push({ kind: 'gt', label: t.label, rect, colour });
    }
  return drawn;
}

/** Rows of the timeline: GT tubes, then detections (tubes, or per class for frame detections). */
interface TimelineRow {
  label: number;
  spans: Array<[number, number]>;
  gt: boolean;
}

const MAX_DET_ROWS = 40;

function timelineRows(video: ViewVideo, minScore: number): { rows: TimelineRow[]; hidden: number } {
  const rows: TimelineRow[] = video.gt.map((t) => ({
    label: t.label,
    spans: [[t.start, t.start + t.boxes.length - 1]],
    gt: true,
  }));
  const dets = video.detections.filter((d) => d.score >= minScore);
  let hidden = 0;
  if (dets.every((d) => d.boxes.length === 1)) {
    const byLabel = new Map<number, Array<[number, number]>>();
    for (const d of dets) {
      let spans = byLabel.get(d.label);
      if (spans === undefined) byLabel.set(d.label, (spans = []));
      spans.push([d.start, d.start]);
    }
    for (const [label, spans] of [...byLabel].sort((a, b) => a[0] - b[0]))
      rows.push({ label, spans, gt: false });
  } else {
    const sorted = [...dets].sort((a, b) => b.score - a.score);
    hidden = Math.max(0, sorted.length - MAX_DET_ROWS);
    for (const d of sorted.slice(0, MAX_DET_ROWS))
      rows.push({ label: d.label, spans: [[d.start, d.start + d.boxes.length - 1]], gt: false });
  }
  return { rows, hidden };
}

/** Geometry of the timeline rows. */
const TIMELINE = { rowHeight: 7, gap: 2, top: 4, bottom: 14 };

/** The timeline canvas height for a video. */
export function timelineHeight(video: ViewVideo, minScore: number): number {
  const n = timelineRows(video, minScore).rows.length;
  return TIMELINE.top + n * (TIMELINE.rowHeight + TIMELINE.gap) + TIMELINE.bottom;
}

/**
 * Draws every tube's span (GT solid, detections lighter, class colours) over frames `1…nframes`
 * and a cursor at `frame`.
 */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  video: ViewVideo,
  frame: number,
  minScore: number,
): void {
  const { width, height } = ctx.canvas;
  ctx.fillStyle = '#1b1e23';
  ctx.fillRect(0, 0, width, height);
  const x = (f: number) => ((f - 1) / video.nframes) * width;
  const { rows, hidden } = timelineRows(video, minScore);
  rows.forEach((row, i) => {
    const y = TIMELINE.top + i * (TIMELINE.rowHeight + TIMELINE.gap);
    ctx.fillStyle = css(classColour(row.label));
    ctx.globalAlpha = row.gt ? 1 : 0.55;
    for (const [a, b] of row.spans)
      ctx.fillRect(x(a), y, Math.max(1, x(b + 1) - x(a)), TIMELINE.rowHeight);
  });
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(Math.round(x(frame + 0.5)), 0, 1, height);
  ctx.fillStyle = '#999';
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillText(
    `${video.gt.length} GT tube(s) · ${video.detections.length} detection(s)${hidden ? ` · ${hidden} lower-scored tubes not shown` : ''}`,
    2,
    height - 3,
  );
}

/** Draws one stage's proposals on `frame` (top `topN` by score), with the GT; returns what it drew. */
export function drawStage(
  ctx: CanvasRenderingContext2D,
  proposals: Array<{ start: number; boxes: number[][]; label?: number; score?: number }>,
  video: ViewVideo,
  frame: number,
  scale: number,
  topN: number,
): { drawn: DrawnBox[]; onFrame: number } {
  const here = proposals
    .filter((p) => boxAt(p, frame) !== undefined)
    .sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  const drawn: DrawnBox[] = [];
  for (const p of here.slice(0, topN).reverse()) {
    const rect = rectOf(boxAt(p, frame)!, scale);
    const colour: DrawnBox['colour'] =
      p.label === undefined ? [255, 255, 255] : classColour(p.label);
    outline(ctx, rect, colour, 1);
    drawn.push({ kind: 'proposal', label: p.label ?? null, rect, colour, score: p.score });
  }
  for (const t of video.gt) {
    const box = boxAt(t, frame);
    if (!box) continue;
    const rect = rectOf(box, scale);
    outline(ctx, rect, classColour(t.label), 3);
    drawn.push({ kind: 'gt', label: t.label, rect, colour: classColour(t.label) });
  }
  return { drawn, onFrame: here.length };
}
