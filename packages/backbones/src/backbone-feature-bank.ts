import type { Trunk } from './trunk';

/** Shape of one frame's stored features: `[h, w, c]` of the trunk's stride-8 level. */
export interface BankFrameShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Per-frame backbone features of a frozen {@link Trunk}, computed **once per frame** and kept for
 * every later use: each training iteration, every configuration that shares the stream's
 * pretrained trunk, every step, proposal and overlapping window. The heads then run only the
 * trunk's neck (which they fine-tune) on the stored stride-8 level.
 *
 * A sequence (a whole video, or its horizontally flipped copy for the flip augmentation) is run
 * through the backbone in one pass, so the temporal layers see the true neighbouring frames.
 * Features are stored as bytes: the stride-8 level is non-negative (ReLU outputs plus a residual
 * ReLU branch), and each frame and channel is quantised linearly on [0, its maximum] (error ≤
 * max/510), a quarter of float32's memory.
 *
 * @example
 * const bank = new BackboneFeatureBank(trunk);
 * bank.add('v1', frames, nframes);          // frames: nframes × H × W × ch in [0, 1]
 * const f = bank.read('v1', 0);             // frame 0's [H/8, W/8, C] features
 */
export class BackboneFeatureBank {
  private readonly store = new Map<string, { bytes: Uint8Array; scales: Float32Array }>();
  private shape?: BankFrameShape;

  constructor(private readonly trunk: Trunk) {}

  /** `[h, w, c]` of a stored frame (after the first {@link add}). */
  get frameShape(): BankFrameShape {
    if (!this.shape) throw new Error('BackboneFeatureBank: no sequence added yet');
    return this.shape;
  }

  /** Whether a sequence is stored under `key`. */
  has(key: string): boolean {
    return this.store.has(key);
  }

  /** Bytes held (features and scales). */
  get bytes(): number {
    let n = 0;
    for (const s of this.store.values()) n += s.bytes.byteLength + s.scales.byteLength;
    return n;
  }

  /**
   * Runs the backbone once over a sequence of `nframes` frames (`nframes × H × W × channels`
   * values in [0, 1]) and stores its stride-8 features under `key` (replacing any).
   */
  add(key: string, frames: Float32Array, nframes: number, height: number, width: number): void {
    const ch = this.trunk.options.channels;
    if (frames.length !== nframes * height * width * ch)
      throw new Error(
        `BackboneFeatureBank.add: ${key}: ${frames.length} values are not ${nframes} frames of ${height}×${width}×${ch}`,
      );
    const values = this.trunk.frozenBackbone(frames, { height, width });
    this.shape = { height: height / 8, width: width / 8, channels: this.trunk.options.widths[2] };
    const { height: h, width: w, channels: c } = this.frameShape;
    const cells = h * w;
    const scales = new Float32Array(nframes * c);
    for (let f = 0; f < nframes; f++)
      for (let i = 0; i < cells; i++)
        for (let k = 0; k < c; k++) {
          const v = values[(f * cells + i) * c + k];
          if (v > scales[f * c + k]) scales[f * c + k] = v;
        }
    const bytes = new Uint8Array(values.length);
    for (let f = 0; f < nframes; f++)
      for (let i = 0; i < cells; i++)
        for (let k = 0; k < c; k++) {
          const s = scales[f * c + k];
          const j = (f * cells + i) * c + k;
          bytes[j] = s > 0 ? Math.round((Math.max(0, values[j]) / s) * 255) : 0;
        }
    this.store.set(key, { bytes, scales });
  }

  /**
   * Every stored sequence: its key, its features as bytes (`frames × h × w × c`) and the scale of
   * each frame and channel (`frames × c`), to write them to a file ({@link restore} reads them
   * back).
   */
  entries(): IterableIterator<[string, { bytes: Uint8Array; scales: Float32Array }]> {
    return this.store.entries();
  }

  /**
   * Stores a sequence as {@link entries} gave it, computed at `shape` (every sequence of a bank has
   * one shape). Throws naming the key when the sizes do not fit `shape` or another sequence's.
   */
  restore(key: string, bytes: Uint8Array, scales: Float32Array, shape: BankFrameShape): void {
    const { height: h, width: w, channels: c } = shape;
    if (
      this.shape &&
      (this.shape.height !== h || this.shape.width !== w || this.shape.channels !== c)
    )
      throw new Error(
        `BackboneFeatureBank.restore: ${key}: frames of ${h}×${w}×${c}, the bank holds ${this.shape.height}×${this.shape.width}×${this.shape.channels}`,
      );
    const frames = scales.length / c;
    if (!(Number.isInteger(frames) && bytes.length === frames * h * w * c))
      throw new Error(
        `BackboneFeatureBank.restore: ${key}: ${bytes.length} bytes and ${scales.length} scales are not whole frames of ${h}×${w}×${c}`,
      );
    this.shape = { height: h, width: w, channels: c };
    this.store.set(key, { bytes, scales });
  }

  /** Frame `frame` (0-based) of sequence `key`: `h × w × c` features, channels last. */
  read(key: string, frame: number): Float32Array {
    const stored = this.store.get(key);
    if (!stored) throw new Error(`BackboneFeatureBank: no sequence "${key}"`);
    const { height: h, width: w, channels: c } = this.frameShape;
    const size = h * w * c;
    if (!(Number.isInteger(frame) && frame >= 0 && (frame + 1) * size <= stored.bytes.length))
      throw new RangeError(
        `BackboneFeatureBank: frame ${frame} of "${key}" is outside 0…${stored.bytes.length / size - 1}`,
      );
    const out = new Float32Array(size);
    const o = frame * size;
    for (let i = 0; i < h * w; i++)
      for (let k = 0; k < c; k++)
        out[i * c + k] = (stored.bytes[o + i * c + k] / 255) * stored.scales[frame * c + k];
    return out;
  }
}
