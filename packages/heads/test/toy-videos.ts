import type { VideoAnnotation } from '@tubekit/datasets';
import { createRandom } from '@tubekit/geometry';

/**
 * A toy two-class video set for the head's tests: a bright square moving right (class 0) or down
 * (class 1) over a noisy dark background, present in the middle of the video only.
 */
export function toyVideos(count: number, seed: number, size = 32, nframes = 24) {
  const rand = createRandom(seed).next;
  const videos: VideoAnnotation[] = [];
  const params = new Map<string, { x: number; y: number; s: number; label: number }>();
  for (let v = 0; v < count; v++) {
    const label = v % 2;
    const s = 8 + Math.floor(rand() * 6);
    const x = 2 + rand() * 6;
    const y = 2 + rand() * 6;
    const name = `toy/${v}`;
    params.set(name, { x, y, s, label });
    const start = 4;
    const T = nframes - 8;
    const boxes = new Float64Array(T * 4);
    for (let t = 0; t < T; t++) {
      const f = start + t;
      const dx = label === 0 ? f * 0.6 : 0;
      const dy = label === 1 ? f * 0.6 : 0;
      boxes.set([x + dx, y + dy, x + dx + s, y + dy + s], t * 4);
    }
    videos.push({ name, nframes, width: size, height: size, tubes: [{ start, boxes, label }] });
  }
  const read = (video: VideoAnnotation, frame: number): Float32Array => {
    const p = params.get(video.name);
    if (!p) throw new Error(`unknown ${video.name}`);
    const out = new Float32Array(size * size * 3);
    const r = createRandom(frame * 31 + 7).next;
    for (let i = 0; i < out.length; i++) out[i] = 0.1 * r();
    const dx = p.label === 0 ? frame * 0.6 : 0;
    const dy = p.label === 1 ? frame * 0.6 : 0;
    for (let yy = Math.floor(p.y + dy); yy < p.y + dy + p.s && yy < size; yy++)
      for (let xx = Math.floor(p.x + dx); xx < p.x + dx + p.s && xx < size; xx++)
        for (let c = 0; c < 3; c++) out[(yy * size + xx) * 3 + c] = 0.9;
    return out;
  };
  return { videos, read };
}
