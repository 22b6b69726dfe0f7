import type { ThresholdResult } from './mean-ap';

/** Options of {@link prCurvesSvg}. */
export interface PRCurvesSvgOptions {
  /** Title above the plot (default: `PR curves @ IoU <iou>`). */
  title?: string;
  /** Canvas size in px (default 640 × 420). */
  width?: number;
  height?: number;
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const esc = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

/**
 * A small self-contained SVG (no scripts, no external fonts) of the per-class precision-recall
 * curves of one result — recall on x, precision on y, both 0…1, one polyline per class with GT
 * (each starting at recall 0), with the class AP in the legend. Needs a result computed with
 * `curves: true` at a single threshold.
 *
 * @throws RangeError if the result carries no curves.
 * @example
 * ```ts
 * const r = frameMeanAP(gt, dets, { protocol: vocProtocol, curves: true });
 * const svg = prCurvesSvg(r.results[0]);
 * ```
 */
export function prCurvesSvg(result: ThresholdResult, options: PRCurvesSvgOptions = {}): string {
  const classes = result.classes.filter((c) => c.curve !== undefined && c.gt > 0);
  if (!result.classes.some((c) => c.curve !== undefined))
    throw new RangeError(
      'prCurvesSvg: the result has no PR curves; evaluate with curves: true at a single IoU',
    );
  const W = options.width ?? 640;
  const H = options.height ?? 420;
  const legendW = 190;
  const m = { left: 50, right: legendW + 10, top: 30, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const x = (r: number) => (m.left + r * pw).toFixed(1);
  const y = (p: number) => (m.top + (1 - p) * ph).toFixed(1);
  const title = options.title ?? `PR curves @ IoU ${result.iou}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.left}" y="18" font-size="13">${esc(title)}</text>`,
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#eee"/>`,
      `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${(m.top + ph + 14).toFixed(1)}" text-anchor="middle">${v.toFixed(1)}</text>`,
      `<text x="${m.left - 6}" y="${(Number(y(v)) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<text x="${x(0.5)}" y="${H - 8}" text-anchor="middle">recall</text>`,
    `<text x="14" y="${y(0.5)}" text-anchor="middle" transform="rotate(-90 14 ${y(0.5)})">precision</text>`,
  );
  classes.forEach((c, k) => {
    const color = COLORS[k % COLORS.length]!;
    const dash = k >= COLORS.length ? ' stroke-dasharray="4 2"' : '';
    const { precision, recall } = c.curve!;
    const pts = [`${x(0)},${y(precision.length > 0 ? precision[0]! : 0)}`];
    for (let i = 0; i < precision.length; i++) pts.push(`${x(recall[i]!)},${y(precision[i]!)}`);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${pts.join(' ')}"/>`,
    );
    const ly = m.top + 4 + k * 14;
    if (ly < H - 10) {
      const ap = c.ap === null ? '–' : (100 * c.ap).toFixed(2);
      parts.push(
        `<line x1="${W - legendW}" y1="${ly}" x2="${W - legendW + 16}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
        `<text x="${W - legendW + 20}" y="${ly + 4}">${esc(c.label.length > 22 ? `${c.label.slice(0, 21)}…` : c.label)} ${ap}</text>`,
      );
    }
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
