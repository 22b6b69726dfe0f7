/**
 * The 3-channel flow image of the two-stream detectors (ACT, STEP, CFAD, PCSC all feed optical
 * flow as an image: horizontal component, vertical component, magnitude — the Brox-flow JPEGs of
 * Gkioxari & Malik / Peng & Schmid). Channel 0 = 0.5 + u / (2·bound), channel 1 =
 * 0.5 + v / (2·bound), channel 2 = √(u² + v²) / bound, each saturated to [0, 1]; `bound` is in
 * px/frame.
 */

/**
 * Encodes an H×W×2 flow field (px/frame) as an H×W×3 image in [0, 1].
 *
 * @example
 * const image = encodeFlow(flow, 12); // u, v ∈ [−12, 12] px/frame → [0, 1]
 */
export function encodeFlow(flow: Float32Array, bound: number, out?: Float32Array): Float32Array {
  if (!(bound > 0)) throw new RangeError(`encodeFlow: bound must be > 0 px/frame, got ${bound}`);
  if (flow.length % 2 !== 0)
    throw new RangeError(`encodeFlow: flow has ${flow.length} values, expected H×W×2`);
  const n = flow.length / 2;
  const image = out ?? new Float32Array(n * 3);
  if (image.length !== n * 3)
    throw new RangeError(`encodeFlow: out has ${image.length} values, expected ${n * 3}`);
  const half = 0.5 / bound;
  const inv = 1 / bound;
  for (let i = 0; i < n; i++) {
    const u = flow[2 * i] as number;
    const v = flow[2 * i + 1] as number;
    const a = 0.5 + u * half;
    const b = 0.5 + v * half;
    const m = Math.sqrt(u * u + v * v) * inv;
    image[3 * i] = a < 0 ? 0 : Math.min(a, 1);
    image[3 * i + 1] = b < 0 ? 0 : Math.min(b, 1);
    image[3 * i + 2] = Math.min(m, 1);
  }
  return image;
}

/**
 * Decodes the first two channels of a flow image back to H×W×2 flow in px/frame (exact inside
 * ±bound; saturated values decode to ±bound).
 *
 * @example
 * const flow = decodeFlow(image, 12);
 */
export function decodeFlow(image: Float32Array, bound: number, out?: Float32Array): Float32Array {
  if (image.length % 3 !== 0)
    throw new RangeError(`decodeFlow: image has ${image.length} values, expected H×W×3`);
  const n = image.length / 3;
  const flow = out ?? new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    flow[2 * i] = ((image[3 * i] as number) - 0.5) * 2 * bound;
    flow[2 * i + 1] = ((image[3 * i + 1] as number) - 0.5) * 2 * bound;
  }
  return flow;
}
