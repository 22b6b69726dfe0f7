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

/** The marker shapes of line series, in series order (then repeated). */
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;
/** Dash patterns of line series, cycled with a period coprime to the palette's. */
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '4 4'];

/** Options of {@link svgLinePlot}. */
export interface LinePlotOptions extends PlotFrameOptions {
  series: LineSeries[];
  /** Tick labels for x (default: the distinct x values). */
  xTicks?: number[];
  /** Fixed x range (default: the data's range padded by 5%). */
  xRange?: [number, number];
  /**
   * Pixels by which consecutive series are shifted sideways (default 0), so that series with equal
   * values at the same x stay visible side by side instead of hiding each other.
   */
  dodge?: number;
  /** Draw a marker at every point (default: when every series has at most 40 points). */
  markers?: boolean;
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

/**
 * A number for a plot label: integers as they are, others with 3 significant digits (at most 2
 * decimals from 1 up), so a small non-zero value never prints as "0" (0.04 → "0.04", 0.0012 →
 * "0.0012", 12.345 → "12.3", 250.4 → "250").
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 1) return String(Number(v.toFixed(a >= 10 ? 1 : 2)));
  return String(Number(v.toPrecision(2)));
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

/** An SVG marker of `shape` centred at (x, y). */
function marker(shape: (typeof MARKERS)[number], x: number, y: number, color: string): string {
  const [cx, cy] = [x.toFixed(1), y.toFixed(1)];
  switch (shape) {
    case 'circle':
      return `<circle cx="${cx}" cy="${cy}" r="3.5" fill="${color}"/>`;
    case 'square':
      return `<rect x="${(x - 3).toFixed(1)}" y="${(y - 3).toFixed(1)}" width="6" height="6" fill="${color}"/>`;
    case 'triangle':
      return `<path d="M${cx} ${(y - 4).toFixed(1)} L${(x + 4).toFixed(1)} ${(y + 3).toFixed(1)} L${(x - 4).toFixed(1)} ${(y + 3).toFixed(1)} Z" fill="${color}"/>`;
    case 'diamond':
      return `<path d="M${cx} ${(y - 4.5).toFixed(1)} L${(x + 4.5).toFixed(1)} ${cy} L${cx} ${(y + 4.5).toFixed(1)} L${(x - 4.5).toFixed(1)} ${cy} Z" fill="${color}"/>`;
  }
}

/** How series `i` of a line plot is drawn: colour, dash pattern, marker shape. */
function lineStyle(i: number) {
  return {
    color: PALETTE[i % PALETTE.length],
    dash: DASHES[i % DASHES.length],
    shape: MARKERS[i % MARKERS.length],
  };
}

/** Legend items placed left to right, wrapping into rows of the canvas width. */
function legendLayout(names: string[], W: number, itemWidth: (name: string) => number) {
  const at: Array<{ x: number; row: number }> = [];
  let x = M.left;
  let row = 0;
  for (const name of names) {
    const w = itemWidth(name);
    if (x + w > W - M.right && x > M.left) {
      x = M.left;
      row++;
    }
    at.push({ x, row });
    x += w;
  }
  return { at, rows: names.length ? row + 1 : 0 };
}

const LEGEND_ROW = 16;

/**
 * The frame: background, title, axes with y ticks, axis labels and a legend below that wraps
 * into as many rows as it needs (the canvas grows by them); returns parts + scale. `lines`: the
 * legend shows each series' line style and marker, else a colour swatch.
 */
function frame(opts: PlotFrameOptions, yr: [number, number], names: string[], lines = false) {
  const W = opts.width ?? 560;
  const itemWidth = (name: string) => (lines ? 38 : 24) + name.length * 6.2;
  const legend = legendLayout(names, W, itemWidth);
  const extra = Math.max(0, legend.rows - 1) * LEGEND_ROW;
  const H = (opts.height ?? 340) + extra;
  const pw = W - M.left - M.right;
  const ph = H - extra - M.top - M.bottom;
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
      `<text x="${M.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatValue(t)}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" stroke="black"/>`,
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="black"/>`,
  );
  if (opts.xLabel)
    parts.push(
      `<text x="${M.left + pw / 2}" y="${M.top + ph + 34}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    );
  if (opts.yLabel)
    parts.push(
      `<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    );
  names.forEach((name, i) => {
    const { x: lx, row } = legend.at[i];
    const ly = M.top + ph + 48 + row * LEGEND_ROW;
    if (lines) {
      const st = lineStyle(i);
      parts.push(
        `<line x1="${lx}" x2="${lx + 20}" y1="${ly + 5}" y2="${ly + 5}" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
        marker(st.shape, lx + 10, ly + 5, st.color),
        `<text x="${lx + 24}" y="${ly + 9}">${esc(name)}</text>`,
      );
    } else
      parts.push(
        `<rect x="${lx}" y="${ly}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`,
        `<text x="${lx + 14}" y="${ly + 9}">${esc(name)}</text>`,
      );
  });
  return { parts, y, pw, ph, W, H };
}

/**
 * A self-contained SVG line plot for report figures such as "fps vs steps" or a PR curve: one
 * polyline per series, each with its own colour, dash pattern and marker shape (so overlapping
 * series stay distinguishable), optionally dodged sideways, legend below. Deterministic output,
 * no dependencies.
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
    true,
  );
  const [x0, x1] = options.xRange ?? [
    xs.length ? Math.min(...xs) : 0,
    xs.length ? Math.max(...xs) : 1,
  ];
  const pad = options.xRange ? 0 : x1 === x0 ? 1 : (x1 - x0) * 0.05;
  const x = (v: number) => M.left + ((v - (x0 - pad)) / (x1 - x0 + 2 * pad)) * f.pw;
  const ticks = options.xTicks ?? [...new Set(xs)].sort((a, b) => a - b);
  for (const t of ticks)
    f.parts.push(
      `<text x="${x(t).toFixed(1)}" y="${M.top + f.ph + 14}" text-anchor="middle">${formatValue(t)}</text>`,
    );
  const withMarkers = options.markers ?? options.series.every((s) => s.points.length <= 40);
  const n = options.series.length;
  options.series.forEach((s, i) => {
    const st = lineStyle(i);
    const shift = (options.dodge ?? 0) * (i - (n - 1) / 2);
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (const [px, py] of s.points) {
      if (!Number.isFinite(py) || !Number.isFinite(px)) {
        pen = false;
        continue;
      }
      const [cx, cy] = [x(px) + shift, f.y(py)];
      d += `${pen ? 'L' : 'M'}${cx.toFixed(1)} ${cy.toFixed(1)} `;
      pen = true;
      if (withMarkers) dots.push(marker(st.shape, cx, cy, st.color));
    }
    if (d)
      f.parts.push(
        `<path d="${d.trim()}" fill="none" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      );
    f.parts.push(...dots);
  });
  f.parts.push('</svg>');
  return `${f.parts.join('\n')}\n`;
}

/**
 * A self-contained SVG grouped bar plot (one bar per series per category, value printed above
 * with {@link formatValue}), for report figures such as "frame-mAP per temporal-extension variant".
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
        `<text x="${(bx + bar / 2).toFixed(1)}" y="${(Math.min(top, base) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${formatValue(v)}</text>`,
      );
    });
  });
  f.parts.push('</svg>');
  return `${f.parts.join('\n')}\n`;
}
