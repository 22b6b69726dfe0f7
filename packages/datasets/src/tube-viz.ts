import type { VideoAnnotation } from './annotation-model';
import type { FrameSource } from './frame-source';
import { quantizeRgb } from './image-encode';
import { resizeBilinear } from './image-resize';
import { loadSharp } from './load-sharp';

/** Distinct, saturated outline colours for tubes 0, 1, 2, … (cycled). */
export const TUBE_COLOURS: readonly (readonly [number, number, number])[] = [
  [255, 214, 0],
  [0, 230, 255],
  [255, 64, 160],
  [120, 255, 80],
  [255, 140, 0],
  [180, 120, 255],
];

/** Height in pixels of the timeline strip under each frame. */
export const VIZ_TIMELINE_HEIGHT = 8;

/**
 * Draws a 1-based frame's tube boxes (outlines, `thickness` px, scaled by `scale`) into an 8-bit
 * RGB image and a timeline strip of height {@link VIZ_TIMELINE_HEIGHT} at its bottom rows: each tube's
 * interval in its colour, the current frame as a white tick.
 *
 * @example
 * const image = new Uint8Array(224 * (224 + VIZ_TIMELINE_HEIGHT) * 3); // a 2× upscaled 112×112 frame
 * drawTubeOverlay(image, 224, 224 + VIZ_TIMELINE_HEIGHT, video, 12, 2, 1);
 */
export function drawTubeOverlay(
  image: Uint8Array,
  width: number,
  height: number,
  video: VideoAnnotation,
  frame: number,
  scale: number,
  thickness: number,
): void {
  const put = (x: number, y: number, c: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = 3 * (y * width + x);
    image[o] = c[0];
    image[o + 1] = c[1];
    image[o + 2] = c[2];
  };
  const frameHeight = height - VIZ_TIMELINE_HEIGHT;
  video.tubes.forEach((tube, i) => {
    const colour = TUBE_COLOURS[i % TUBE_COLOURS.length] as readonly [number, number, number];
    const t = frame - tube.start;
    if (t >= 0 && t < tube.boxes.length / 4) {
      const x1 = Math.round((tube.boxes[4 * t] as number) * scale);
      const y1 = Math.round((tube.boxes[4 * t + 1] as number) * scale);
      const x2 = Math.round((tube.boxes[4 * t + 2] as number) * scale) - 1;
      const y2 = Math.min(
        frameHeight - 1,
        Math.round((tube.boxes[4 * t + 3] as number) * scale) - 1,
      );
      for (let k = 0; k < thickness; k++) {
        for (let x = x1; x <= x2; x++) {
          if (y1 + k < frameHeight) put(x, y1 + k, colour);
          put(x, y2 - k, colour);
        }
        for (let y = y1; y <= y2; y++) {
          put(x1 + k, y, colour);
          put(x2 - k, y, colour);
        }
      }
    }
    // Timeline: one band per tube.
    const rows = Math.max(1, Math.floor(VIZ_TIMELINE_HEIGHT / Math.max(1, video.tubes.length)));
    const from = Math.floor(((tube.start - 1) / video.nframes) * width);
    const to = Math.ceil(((tube.start - 1 + tube.boxes.length / 4) / video.nframes) * width);
    for (let y = frameHeight + i * rows; y < Math.min(height, frameHeight + (i + 1) * rows); y++)
      for (let x = from; x < to; x++) put(x, y, colour);
  });
  const tick = Math.floor(((frame - 0.5) / video.nframes) * width);
  for (let y = frameHeight; y < height; y++)
    for (let x = tick - 1; x <= tick; x++) put(x, y, [255, 255, 255]);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One visualised frame as 8-bit RGB, width × (height + {@link VIZ_TIMELINE_HEIGHT}): the frame
 * scaled up with {@link resizeBilinear}, its tubes and the timeline drawn (no caption).
 *
 * @example
 * const image = await renderVizFrame(source, video, 12, 2); // 8-bit RGB, 2× the frame size
 */
export async function renderVizFrame(
  source: FrameSource,
  video: VideoAnnotation,
  frame: number,
  scale: number,
): Promise<Uint8Array> {
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale);
  const rgb = await source.read(frame);
  const scaled = scale === 1 ? rgb : resizeBilinear(rgb, source.width, source.height, 3, w, h);
  const image = new Uint8Array(w * (h + VIZ_TIMELINE_HEIGHT) * 3);
  image.set(quantizeRgb(scaled));
  drawTubeOverlay(
    image,
    w,
    h + VIZ_TIMELINE_HEIGHT,
    video,
    frame,
    scale,
    Math.max(1, Math.round(scale / 2)),
  );
  return image;
}

/** The caption of a frame: `frame/nframes` and the labels of the tubes active on it. */
function caption(video: VideoAnnotation, labels: readonly string[], frame: number): string {
  const active = video.tubes
    .filter((t) => frame >= t.start && frame < t.start + t.boxes.length / 4)
    .map((t) => labels[t.label] ?? String(t.label));
  return `${frame}/${video.nframes}${active.length ? ` ${[...new Set(active)].join(', ')}` : ''}`;
}

/**
 * Draws all captions in one SVG overlay (one librsvg call for the whole output: text rendering
 * is the slow part). Each caption sits on a translucent strip at the top-left of its tile.
 */
async function withCaptions(
  image: Uint8Array,
  width: number,
  height: number,
  tiles: { x: number; y: number; w: number; text: string }[],
  fontSize: number,
): Promise<Uint8Array> {
  const body = tiles
    .map(
      (t) =>
        `<rect x="${t.x}" y="${t.y}" width="${t.w}" height="${fontSize + 6}" fill="black" fill-opacity="0.45"/>` +
        `<text x="${t.x + 3}" y="${t.y + fontSize + 1}">${escapeXml(t.text)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" fill="white">${body}</g></svg>`;
  const out = await (await loadSharp())(image, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Output kinds of {@link visualizeTubes}. */
export type TubeVizFormat = 'gif' | 'webp' | 'png';

/** Options of {@link visualizeTubes}. */
export interface TubeVizOptions {
  /** `'gif'` / `'webp'`: animation; `'png'`: contact sheet. */
  format: TubeVizFormat;
  /** 1-based frames to show (default every frame; contact sheets: up to 16 evenly spaced). */
  frames?: readonly number[];
  /** Upscaling factor (default: to about 256 px wide). */
  scale?: number;
  /** Contact sheet columns (default ⌈√frames⌉). */
  columns?: number;
  /** Animation delay per frame in ms (default 100). */
  delay?: number;
}

/** The encoded visualisation. */
export interface TubeViz {
  bytes: Buffer;
  frames: number[];
  /** Size of one visualised frame (timeline strip included). */
  width: number;
  height: number;
}

/**
 * Draws a video's tubes over its frames (outlines per tube, a caption with the frame number and
 * active labels, a timeline strip of the tubes' intervals) and encodes the result with sharp as an
 * animated GIF/WebP or a contact-sheet PNG — for people who would rather look.
 *
 * @example
 * const synth = createSynthTubes({ preset: 'smoke' });
 * const video = synth.dataset.videos[0]!;
 * const { bytes } = await visualizeTubes(synth.frameSource(video.name, 'rgb'), video, synth.dataset.labels, { format: 'gif' });
 */
export async function visualizeTubes(
  source: FrameSource,
  video: VideoAnnotation,
  labels: readonly string[],
  options: TubeVizOptions,
): Promise<TubeViz> {
  const { format } = options;
  let frames = options.frames ? [...options.frames] : undefined;
  if (!frames) {
    const every = format === 'png' ? Math.max(1, Math.ceil(video.nframes / 16)) : 1;
    frames = [];
    for (let f = 1; f <= video.nframes; f += every) frames.push(f);
  }
  if (frames.length === 0) throw new RangeError(`visualizeTubes ${video.name}: no frames to show`);
  const scale = options.scale ?? Math.max(1, Math.round(256 / source.width));
  if (!(scale > 0 && scale <= 16))
    throw new RangeError(`visualizeTubes: scale must be in (0, 16], got ${scale}`);
  const w = Math.round(source.width * scale);
  const h = Math.round(source.height * scale) + VIZ_TIMELINE_HEIGHT;
  const rendered: Uint8Array[] = [];
  for (const f of frames) rendered.push(await renderVizFrame(source, video, f, scale));
  const fontSize = Math.max(9, Math.min(14, Math.round(w / 18)));
  let bytes: Buffer;
  if (format === 'png') {
    const columns = options.columns ?? Math.ceil(Math.sqrt(frames.length));
    const rows = Math.ceil(frames.length / columns);
    const gap = 2;
    const sheetW = columns * w + (columns - 1) * gap;
    const sheetH = rows * h + (rows - 1) * gap;
    const sheet = new Uint8Array(sheetW * sheetH * 3).fill(32);
    rendered.forEach((img, k) => {
      const ox = (k % columns) * (w + gap);
      const oy = Math.floor(k / columns) * (h + gap);
      for (let y = 0; y < h; y++)
        sheet.set(img.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * sheetW + ox) * 3);
    });
    const tiles = frames.map((f, k) => ({
      x: (k % columns) * (w + gap),
      y: Math.floor(k / columns) * (h + gap),
      w,
      text: caption(video, labels, f),
    }));
    const captioned = await withCaptions(sheet, sheetW, sheetH, tiles, fontSize);
    bytes = await (await loadSharp())(captioned, {
      raw: { width: sheetW, height: sheetH, channels: 3 },
    })
      .png()
      .toBuffer();
  } else {
    const plain = new Uint8Array(w * h * 3 * rendered.length);
    for (let k = 0; k < rendered.length; k++) plain.set(rendered[k] as Uint8Array, k * w * h * 3);
    const tiles = frames.map((f, k) => ({ x: 0, y: k * h, w, text: caption(video, labels, f) }));
    const stacked = await withCaptions(plain, w, h * rendered.length, tiles, fontSize);
    const delay = rendered.map(() => options.delay ?? 100);
    const animated = (await loadSharp())(stacked, {
      raw: { width: w, height: h * rendered.length, channels: 3, pageHeight: h },
    });
    bytes = await (format === 'gif'
      ? animated.gif({ loop: 0, delay })
      : animated.webp({ loop: 0, delay, quality: 90 })
    ).toBuffer();
  }
  return { bytes, frames, width: w, height: h };
}
