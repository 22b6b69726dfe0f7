import { tf } from '@tubekit/nn';
import type { Backbone, BackboneLayout, FeatureMapSize, InputSize, NamedWeight } from './backbone';
import { type Module, OnnxGraphBuilder } from './modules';
import { encodeOnnxModel } from './onnx-model';

/** A named stage of a {@link StagedBackbone}; its name is an endpoint. */
export interface Stage {
  readonly name: string;
  readonly module: Module;
}

/** What a {@link StagedBackbone} is built from. */
export interface StagedBackboneSpec {
  readonly name: string;
  readonly dims: 2 | 3;
  readonly inputChannels: number;
  /** Channels entering the first stage (equals `inputChannels` for a network from pixels). */
  readonly stages: readonly Stage[];
}

/**
 * A backbone that is a chain of named stages (every tfjs backbone in this package: VGG16, the
 * small CPU nets, I3D). Strides are derived from the stages, not declared, so they cannot drift.
 */
export class StagedBackbone implements Backbone {
  readonly name: string;
  readonly layout: BackboneLayout;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly outputStride: number;
  readonly temporalStride: number;
  readonly endpoints: readonly string[];
  readonly weights: readonly NamedWeight[];
  readonly trainableVariables: readonly tf.Variable[];
  private readonly stages: readonly Stage[];
  private readonly dims: 2 | 3;
  private disposed = false;

  constructor(spec: StagedBackboneSpec) {
    if (spec.stages.length === 0) throw new Error(`${spec.name}: no stages`);
    this.name = spec.name;
    this.dims = spec.dims;
    this.layout = spec.dims === 2 ? 'NHWC' : 'NTHWC';
    this.inputChannels = spec.inputChannels;
    this.stages = spec.stages;
    this.endpoints = spec.stages.map((s) => s.name);
    this.weights = spec.stages.flatMap((s) => s.module.weights);
    this.trainableVariables = this.weights.filter((w) => w.trainable).map((w) => w.variable);
    // strides from a large probe size divisible by every stride (all here are powers of two)
    const probe = 1024;
    const out = this.outputSize({ height: probe, width: probe, frames: probe });
    this.outputChannels = out.channels;
    this.outputStride = Math.round(probe / out.height);
    this.temporalStride = spec.dims === 3 ? Math.round(probe / out.frames) : 1;
  }

  private inputMap(input: InputSize): FeatureMapSize {
    const frames = this.dims === 3 ? (input.frames ?? 1) : 1;
    for (const [k, v] of [
      ['height', input.height],
      ['width', input.width],
      ['frames', frames],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new Error(`${this.name}: input ${k} must be a positive integer, got ${v}`);
    }
    return { frames, height: input.height, width: input.width, channels: this.inputChannels };
  }

  outputSize(input: InputSize): FeatureMapSize {
    let s = this.inputMap(input);
    for (const stage of this.stages) s = stage.module.outputSize(s);
    return s;
  }

  flops(input: InputSize): number {
    let s = this.inputMap(input);
    let total = 0;
    for (const stage of this.stages) {
      total += stage.module.flops(s);
      s = stage.module.outputSize(s);
    }
    return total;
  }

  private checkInput(x: tf.Tensor): void {
    if (this.disposed) throw new Error(`${this.name}: used after dispose()`);
    const rank = this.dims === 2 ? 4 : 5;
    if (x.rank !== rank || x.shape[rank - 1] !== this.inputChannels) {
      throw new Error(
        `${this.name}: expects a ${this.layout} tensor with ${this.inputChannels} channels, got shape [${x.shape.join(', ')}]`,
      );
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.checkInput(x);
    return tf.tidy(() => {
      let y = x;
      for (const stage of this.stages) y = stage.module.forward(y);
      return y;
    });
  }

  forwardEndpoints<K extends string>(x: tf.Tensor, endpoints: readonly K[]): Record<K, tf.Tensor> {
    this.checkInput(x);
    let last = -1;
    for (const e of endpoints) {
      const i = this.endpoints.indexOf(e);
      if (i < 0) {
        throw new Error(
          `${this.name}: unknown endpoint "${e}"; valid: ${this.endpoints.join(', ')}`,
        );
      }
      last = Math.max(last, i);
    }
    const wanted = new Set<string>(endpoints);
    const result = {} as Record<K, tf.Tensor>;
    tf.tidy(() => {
      let y = x;
      for (let i = 0; i <= last; i++) {
        const stage = this.stages[i] as Stage;
        y = stage.module.forward(y);
        if (wanted.has(stage.name)) {
          result[stage.name as K] = tf.keep(y);
        }
      }
    });
    return result;
  }

  /**
   * Writes the network as an ONNX model (opset 13): input `x` `[N, C, H, W]` or
   * `[N, C, T, H, W]` (channels first, as PyTorch/ONNX), output `y` likewise; 'same' padding as
   * `auto_pad: SAME_UPPER`; weights as initializers under their tubekit names.
   */
  toOnnx(): Uint8Array {
    const graph = new OnnxGraphBuilder();
    let y = 'x';
    for (const stage of this.stages) y = stage.module.toOnnx(graph, y);
    graph.nodes.push({ opType: 'Identity', inputs: [y], outputs: ['y'], name: 'output' });
    const spatial = this.dims === 3 ? ['T', 'H', 'W'] : ['H', 'W'];
    const outSpatial = this.dims === 3 ? ['T_out', 'H_out', 'W_out'] : ['H_out', 'W_out'];
    return encodeOnnxModel({
      graphName: this.name,
      nodes: graph.nodes,
      initializers: graph.initializers,
      inputs: [{ name: 'x', shape: ['N', this.inputChannels, ...spatial] }],
      outputs: [{ name: 'y', shape: ['N', this.outputChannels, ...outSpatial] }],
    });
  }

  async extract(x: tf.Tensor): Promise<tf.Tensor> {
    return this.forward(x);
  }

  parameterCount(): number {
    let n = 0;
    for (const w of this.weights) if (w.trainable) n += w.variable.size;
    return n;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.weights) w.variable.dispose();
  }
}
