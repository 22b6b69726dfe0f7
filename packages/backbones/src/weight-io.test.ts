import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  float32RawTensor,
  initBackend,
  rawTensorToFloat32,
  readSafetensors,
  tf,
  writeSafetensors,
} from '@tubekit/nn';
import { createI3D } from './i3d';
import { encodeOnnxModel, parseOnnxTensors } from './onnx-model';
import { createSmallBackbone2d, createSmallBackbone3d } from './plain-conv-net';
import { exportWeights, importWeights } from './weight-io';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: () => {} });
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0] as number);
}

describe('weight round trips', () => {
  it('safetensors (channels-first, PyTorch layout): a fresh net reproduces the outputs', async () => {
    const src = createSmallBackbone3d({ seed: 1 });
    const dst = createSmallBackbone3d({ seed: 2 });
    const x = tf.randomNormal([1, 3, 24, 24, 3], 0, 1, 'float32', 4);
    const dir = mkdtempSync(join(tmpdir(), 'wio-'));
    try {
      const tensors = exportWeights(src, { layout: 'channels-first' });
      expect(tensors[0]!.shape).toEqual([16, 3, 1, 3, 3]); // [out, in, kT, kH, kW]
      const path = join(dir, 'small3d.safetensors');
      await writeSafetensors(path, tensors);
      const ya = src.forward(x);
      const yb0 = dst.forward(x);
      expect(maxAbsDiff(ya, yb0)).toBeGreaterThan(1e-3);
      const report = importWeights(dst, (await readSafetensors(path)).tensors, {
        layout: 'channels-first',
        source: path,
      });
      expect(report.loaded).toHaveLength(8);
      const yb = dst.forward(x);
      expect(maxAbsDiff(ya, yb)).toBe(0);
      tf.dispose([ya, yb0, yb]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      tf.dispose(x);
      src.dispose();
      dst.dispose();
    }
  });

  it('ONNX initializers (hand-made model) load into a net, with a name map', () => {
    const src = createSmallBackbone2d({ seed: 1 });
    const dst = createSmallBackbone2d({ seed: 9 });
    const renamed = exportWeights(src, { layout: 'channels-first' }).map((t) => ({
      ...t,
      name: `backbone.${t.name}`,
    }));
    const bytes = encodeOnnxModel({
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }],
      initializers: renamed,
      inputs: [{ name: 'x', shape: [1] }],
      outputs: [{ name: 'y', shape: [1] }],
    });
    const read = parseOnnxTensors(bytes, 'tiny.onnx');
    expect(read).toHaveLength(8);
    importWeights(dst, read, {
      layout: 'channels-first',
      nameMap: (n) => (n.startsWith('backbone.') ? n.slice('backbone.'.length) : undefined),
    });
    for (let i = 0; i < src.weights.length; i++) {
      expect(Array.from(dst.weights[i]!.variable.dataSync())).toEqual(
        Array.from(src.weights[i]!.variable.dataSync()),
      );
    }
    src.dispose();
    dst.dispose();
  });

  it('channels-last export and import is the identity; includes batch-norm statistics', () => {
    const a = createI3D({ seed: 3, finalEndpoint: 'Conv3d_2b_1x1' });
    const b = createI3D({ seed: 4, finalEndpoint: 'Conv3d_2b_1x1' });
    const tensors = exportWeights(a, { layout: 'channels-last' });
    expect(tensors.map((t) => t.name)).toContain('Conv3d_1a_7x7.bn.running_var');
    expect(tensors.find((t) => t.name === 'Conv3d_1a_7x7.conv3d.weight')!.shape).toEqual([
      7, 7, 7, 3, 64,
    ]);
    importWeights(b, tensors, { layout: 'channels-last' });
    expect(Array.from(b.weights[0]!.variable.dataSync())).toEqual(
      Array.from(a.weights[0]!.variable.dataSync()),
    );
    expect(exportWeights(a, { layout: 'channels-last', includeNonTrainable: false })).toHaveLength(
      6,
    );
    a.dispose();
    b.dispose();
  });

  it('lists missing, unexpected and mis-shaped weights in one error and assigns nothing', () => {
    const net = createSmallBackbone2d({ seed: 1 });
    const before = Array.from(net.weights[0]!.variable.dataSync());
    const good = exportWeights(net, { layout: 'channels-first' });
    const tensors = [
      ...good.filter((t) => t.name !== 'conv4.bias' && t.name !== 'conv2.weight'),
      float32RawTensor('conv2.weight', [32, 16, 5, 5], new Float32Array(32 * 16 * 25)),
      float32RawTensor('fc.weight', [2], new Float32Array(2)),
    ].map((t) =>
      t.name === 'conv1.weight' ? { ...t, bytes: new Uint8Array(t.bytes.length).fill(0) } : t,
    );
    let message = '';
    try {
      importWeights(net, tensors, { layout: 'channels-first', source: 'bad.safetensors' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^bad.safetensors: cannot load into small-2d \(channels-first layout\)/,
    );
    expect(message).toContain('missing (1): conv4.bias');
    expect(message).toContain('unexpected (1): fc.weight');
    expect(message).toContain(
      'mis-shaped (1): conv2.weight → conv2.weight: file [32, 16, 5, 5], expected [32, 16, 3, 3]',
    );
    expect(Array.from(net.weights[0]!.variable.dataSync())).toEqual(before);
    // tolerated with the options
    const report = importWeights(
      net,
      tensors.filter((t) => t.name !== 'conv2.weight'),
      {
        layout: 'channels-first',
        allowMissing: true,
        allowUnexpected: true,
      },
    );
    expect(report.missing.sort()).toEqual(['conv2.weight', 'conv4.bias']);
    expect(report.unexpected).toEqual(['fc.weight']);
    expect(
      rawTensorToFloat32(exportWeights(net, { layout: 'channels-first' })[0]!).every(
        (v) => v === 0,
      ),
    ).toBe(true);
    net.dispose();
  });

  it('skips ignored tensors (PyTorch num_batches_tracked) and reports them', () => {
    const net = createI3D({ seed: 0, init: 'zeros', finalEndpoint: 'Conv3d_1a_7x7' });
    const counter = {
      name: 'Conv3d_1a_7x7.bn.num_batches_tracked',
      shape: [],
      dtype: 'int64' as const,
      bytes: new Uint8Array(8),
    };
    const tensors = [...exportWeights(net, { layout: 'channels-first' }), counter];
    expect(() => importWeights(net, tensors, { layout: 'channels-first' })).toThrow(
      /unexpected \(1\): Conv3d_1a_7x7.bn.num_batches_tracked/,
    );
    const report = importWeights(net, tensors, {
      layout: 'channels-first',
      ignore: /num_batches_tracked$/,
    });
    expect(report.ignored).toEqual(['Conv3d_1a_7x7.bn.num_batches_tracked']);
    expect(report.loaded).toHaveLength(5);
    net.dispose();
  });

  it('converts float16 files', () => {
    const net = createSmallBackbone2d({ seed: 1, widths: [1, 1, 1, 1] });
    const tensors = exportWeights(net, { layout: 'channels-first' }).map((t) => {
      const n = t.bytes.length / 4;
      const bytes = new Uint8Array(n * 2);
      for (let i = 0; i < n; i++) bytes[i * 2 + 1] = 0x3c; // 1.0 in binary16
      return { ...t, dtype: 'float16' as const, bytes };
    });
    importWeights(net, tensors, { layout: 'channels-first' });
    expect(Array.from(net.weights[0]!.variable.dataSync())).toEqual(new Array(27).fill(1));
    net.dispose();
  });
});

describe('weight files', () => {
  it('saveWeights / loadWeights round-trip through safetensors and read ONNX by content', async () => {
    const { detectWeightFormat, loadWeights, readWeightFile, saveWeights } = await import(
      './weight-file'
    );
    const { writeFileSync } = await import('node:fs');
    const a = createSmallBackbone2d({ seed: 1, widths: [4, 4, 4, 4] });
    const b = createSmallBackbone2d({ seed: 2, widths: [4, 4, 4, 4] });
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    try {
      const st = join(dir, 'a.safetensors');
      await saveWeights(a, st, { layout: 'channels-first' });
      const report = await loadWeights(b, st, { layout: 'channels-first' });
      expect(report.loaded).toHaveLength(8);
      expect(Array.from(b.weights[6]!.variable.dataSync())).toEqual(
        Array.from(a.weights[6]!.variable.dataSync()),
      );
      const onnxPath = join(dir, 'a.model');
      writeFileSync(onnxPath, a.toOnnx());
      expect(detectWeightFormat(a.toOnnx())).toBe('onnx');
      const fromOnnx = await readWeightFile(onnxPath);
      expect(fromOnnx.map((t) => t.name)).toEqual(a.weights.map((w) => w.name));
      await expect(loadWeights(b, onnxPath, { layout: 'channels-last' })).rejects.toThrow(
        /a\.model: cannot load into small-2d \(channels-last layout\):\n {2}mis-shaped \(4\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      a.dispose();
      b.dispose();
    }
  });
});
