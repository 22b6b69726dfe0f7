import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend, tf } from '@tubekit/nn';
import { stepModels } from './configurations';
import {
  CONVOLUTIONS,
  convolutionsCacheKey,
  parseConvolutions,
  selectConvolutions,
} from './convolutions';
import { PROFILES } from './profiles';
import { cachedSummary, prepareSynthBench, trainAndSummarize, trunkPath } from './train-models';
import { createTrunk } from './trunks';

const root = resolve(__dirname, '..', '..', '..');

describe('the --conv option', () => {
  it('accepts wasm and onnxruntime; anything else names the flag and the allowed values', () => {
    for (const c of CONVOLUTIONS) expect(parseConvolutions(c)).toBe(c);
    expect(() => parseConvolutions('gpu')).toThrow(
      /^--conv expects wasm or onnxruntime, got "gpu"$/,
    );
    expect(() => parseConvolutions(undefined, '--x')).toThrow(
      /^--x expects wasm or onnxruntime, got nothing$/,
    );
  });

  it('pnpm reproduce --conv gpu exits 2 with one line', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'scripts', 'reproduce.ts'),
        '--paper',
        'step',
        '--conv',
        'gpu',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'reproduce: --conv expects wasm or onnxruntime, got "gpu"',
    ]);
  });
});

// onnxruntime-node is an optional peer of @tubekit/nn, resolved from there.
const ortInstalled = (() => {
  try {
    createRequire(join(root, 'packages', 'nn', 'package.json')).resolve('onnxruntime-node');
    return true;
  } catch {
    return false;
  }
})();
const describeOrt = ortInstalled ? describe : describe.skip;
if (!ortInstalled)
  test.skip('--conv onnxruntime: skipped, onnxruntime-node is not installed (pnpm install in the repository root installs it as @tubekit/nn dev dependency)', () => {});

describeOrt('--conv onnxruntime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-conv-'));
  beforeAll(() => initBackend({ log: () => undefined }));
  afterAll(async () => {
    await selectConvolutions('wasm');
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the quick trunk's convolutions on onnxruntime: float rounding away from wasm", async () => {
    const trunk = createTrunk(PROFILES.quick, 'rgb');
    const frames = tf.randomUniform([6, 112, 112, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const features = () => tf.tidy(() => trunk.neck(trunk.backbone(frames, 6), 6).dataSync());
    const wasm = features();
    expect(await selectConvolutions('onnxruntime')).toMatch(
      /^onnxruntime \(onnxruntime-node \d+\.\d+\.\d+, 1 thread\)$/,
    );
    const ort = features();
    expect(await selectConvolutions('wasm')).toBe('wasm');
    expect(features()).toEqual(wasm); // back on wasm: its numbers exactly
    let diff = 0;
    for (let i = 0; i < wasm.length; i++) diff = Math.max(diff, Math.abs(wasm[i] - ort[i]));
    expect(diff).toBeGreaterThan(0); // onnxruntime computed them
    expect(diff).toBeLessThan(1e-4);
    frames.dispose();
    trunk.dispose();
  });

  // The smoke trunk's forward passes and input gradients do too few multiply-adds per float to
  // leave wasm; their weight gradients run on onnxruntime (nn's `weightGradMinMacsPerFloat`, 0).
  // This checks the benchmark path under the option, the test above onnxruntime's numbers.
  it('trains and tests a smoke model through the benchmark path, cached apart from wasm', async () => {
    const bench = await prepareSynthBench(PROFILES.smoke, dir);
    const wasmTrunk = trunkPath(bench, 'rgb');
    expect(convolutionsCacheKey()).toEqual([]);
    await selectConvolutions('onnxruntime');
    expect(convolutionsCacheKey()).toEqual(['onnxruntime']);
    expect(trunkPath(bench, 'rgb')).not.toBe(wasmTrunk);
    const config = stepModels('rgb').find((m) => m.id === 'smax1');
    if (!config) throw new Error('no smax1');
    const s = await trainAndSummarize(bench, config, 1, () => undefined);
    expect(s.train.iterations).toBe(PROFILES.smoke.iterations);
    expect(Number.isFinite(s.train.finalLoss)).toBe(true);
    expect(s.frameMapByStep).toHaveLength(1);
    expect(s.convolutions).toBe('onnxruntime');
    const cached = () => cachedSummary(bench.cacheDir, PROFILES.smoke, config, 1, () => undefined);
    expect(cached()?.train.finalLoss).toBe(s.train.finalLoss);
    await selectConvolutions('wasm');
    expect(cached()).toBeUndefined(); // a wasm run trains its own
  });
});
