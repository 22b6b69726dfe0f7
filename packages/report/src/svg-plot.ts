/** One named series of a {@link svgLinePlot}. */
export interface LineSeries {
  name: string;
  /** `[x, y]` points, drawn in the given order; NaN y values break the line. */
  points: Array<[number, number]>;
}

/** Shared plot options. */
export interface PlotFrameOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** Canvas size in px (default 560 × 340). */
  width?: number;
  height?: number;
  /** Fixed y range (default: the data's range padded by 5%, including 0 for bar plots). */
  yRange?: [number, number];
}

/** Options of {@link svgLinePlot}. */
export interface LinePlotOptions extends PlotFrameOptions {
  series: LineSeries[];
  /** Tick labels for x (default: the distinct x values). */
  xTicks?: number[];
}

/** Options of {@link svgBarPlot}. */
export interface BarPlotOptions extends PlotFrameOptions {
  /** Category labels along x. */
  categories: string[];
  /** Grouped bars: each series has one value per category. */
  series: Array<{ name: string; values: number[] }>;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const M = { left: 56, right: 16, top: 34, bottom: 64 };

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmtTick(v: number): string {
  return Math.abs(v) >= 100 || Number.isInteger(v)
    ? String(Math.round(v * 100) / 100)
    : v.toFixed(2).replace(/0$/, '');
}

function yRangeOf(
  values: number[],
  fixed: [number, number] | undefined,
  withZero: boolean,
): [number, number] {
  if (fixed) return fixed;
  const finite = values.filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (withZero) lo = Math.min(0, lo);
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  return [withZero && lo === 0 ? 0 : lo - pad, hi + pad];
}

/** The frame: background, title, axes with y ticks, axis labels and legend; returns parts + scale. */
function frame(opts: PlotFrameOptions, yr: [number, number], names: string[]) {
  const W = opts.width ?? 560;
  const H = opts.height ?? 340;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const y = (v: number) => M.top + ph - ((v - yr[0]) / (yr[1] - yr[0])) * ph;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(opts.title)}</text>`,
  ];
  for (const t of niceTicks(yr[0], yr[1])) {
    const yy = y(t).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${fmtTick(t)}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="black"/>`,
  );
  if (opts.xLabel)
    parts.push(
      `<text x="${M.left + pw / 2}" y="${H - 30}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    );
  if (opts.yLabel)
    parts.push(
      `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    );
  let lx = M.left;
  names.forEach((name, i) => {
    const color = PALETTE[i % PALETTE.length];
    parts.push(
      `<rect x="${lx}" y="${H - 16}" width="10" height="10" fill="${color}"/>`,
      `<text x="${lx + 14}" y="${H - 7}">${esc(name)}</text>`,
    );
    lx += 24 + name.length * 6.2;
  });
  return { parts, y, pw, ph, W, H };
}

/**
 * A self-contained SVG line plot (one polyline with dot markers per series, legend below), for
 * report figures such as "fps vs steps" or "IoU vs Δ". Deterministic output, no dependencies.
 *
 * @example
 * const svg = svgLinePlot({ title: 'IoU vs Δ', xLabel: 'Δ (frames)', yLabel: 'IoU',
 *   series: [{ name: 'UCF101-24', points: [[6, 0.9], [12, 0.8]] }] });
 */
export function svgLinePlot(options: LinePlotOptions): string {
  const xs = options.series.flatMap((s) => s.points.map((p) => p[0])).filter(Number.isFinite);
  const ys = options.series.flatMap((s) => s.points.map((p) => p[1]));
  const yr = yRangeOf(ys, options.yRange, false);
  const f = frame(
    options,
    yr,
    options.series.map((s) => s.name),
  );
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  const pad = x1 === x0 ? 1 : (x1 - x0) * 0.05;
  const x = (v: number) => M.left + ((v - (x0 - pad)) / (x1 - x0 + 2 * pad)) * f.pw;
  const ticks = options.xTicks ?? [...new Set(xs)].sort((a, b) => a - b);
  for (const t of ticks)
    f.parts.push(
      `<text x="${x(t).toFixed(1)}" y="${M.top + f.ph + 14}" text-anchor="middle">${fmtTick(t)}</text>`,
    );
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    let d = '';
    let pen = false;
    for (const [px, py] of s.points) {
      if (!Number.isFinite(py) || !Number.isFinite(px)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)} ${f.y(py).toFixed(1)} `;
      pen = true;
      f.parts.push(
        `<circle cx="${x(px).toFixed(1)}" cy="${f.y(py).toFixed(1)}" r="3" fill="${color}"/>`,
      );
    }
    if (d) f.parts.push(`<path d="${d.trim()}" fill="none" stroke="${color}" stroke-width="2"/>`);
  });
  f.parts.push('</svg>');
  return `${f.parts.join('\n')}\n`;
}

/**
 * A self-contained SVG grouped bar plot (one bar per series per category, value printed above),
 * for report figures such as "frame-mAP per temporal-extension variant".
 *
 * @example
 * const svg = svgBarPlot({ title: 'Figure 5', yLabel: 'frame-mAP (%)', categories: ['K=6', 'K=30'],
 *   series: [{ name: 'published', values: [60, 58] }, { name: 'tubekit', values: [40, 38] }] });
 */
export function svgBarPlot(options: BarPlotOptions): string {
  const { categories, series } = options;
  for (const s of series)
    if (s.values.length !== categories.length)
      throw new Error(
        `svgBarPlot: series "${s.name}" has ${s.values.length} values, expected ${categories.length} (one per category)`,
      );
  const yr = yRangeOf(
    series.flatMap((s) => s.values),
    options.yRange,
    true,
  );
  const f = frame(
    options,
    yr,
    series.map((s) => s.name),
  );
  const group = f.pw / Math.max(1, categories.length);
  const bar = (group * 0.8) / Math.max(1, series.length);
  categories.forEach((c, ci) => {
    const gx = M.left + ci * group + group * 0.1;
    f.parts.push(
      `<text x="${(gx + group * 0.4).toFixed(1)}" y="${M.top + f.ph + 14}" text-anchor="middle">${esc(c)}</text>`,
    );
    series.forEach((s, si) => {
      const v = s.values[ci] ?? Number.NaN;
      if (!Number.isFinite(v)) return;
      const top = f.y(Math.max(v, yr[0]));
      const base = f.y(Math.max(yr[0], 0));
      const bx = gx + si * bar;
      f.parts.push(
        `<rect x="${bx.toFixed(1)}" y="${Math.min(top, base).toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${Math.abs(base - top).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"/>`,
        `<text x="${(bx + bar / 2).toFixed(1)}" y="${(Math.min(top, base) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${fmtTick(Math.round(v * 10) / 10)}</text>`,
      );
    });
  });
  f.parts.push('</svg>');
  return `${f.parts.join('\n')}\n`;
}
