import * as tf from '@tensorflow/tfjs-core';
import { activeBackend, initBackend } from './init-backend';

describe('initBackend', () => {
  const saved = process.env.TUBEKIT_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.TUBEKIT_BACKEND;
    else process.env.TUBEKIT_BACKEND = saved;
  });

  test('auto selection falls back to wasm here, logs why, and is idempotent', async () => {
    delete process.env.TUBEKIT_BACKEND;
    const lines: string[] = [];
    const info = await initBackend({ log: (l) => lines.push(l) });
    expect(['wasm', 'tensorflow']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    expect(activeBackend()).toBe(info.name);
    if (info.name === 'wasm') {
      expect(info.reason).toMatch(/tfjs-node/);
      expect(info.threads).toBeGreaterThanOrEqual(1);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`tfjs backend ${info.name}`);
    const again = await initBackend({ log: (l) => lines.push(l) });
    expect(again).toBe(info);
    expect(lines).toHaveLength(1);
  });

  test('TUBEKIT_BACKEND overrides the automatic order, the option overrides the variable', async () => {
    process.env.TUBEKIT_BACKEND = 'cpu';
    const info = await initBackend({ log: () => {} });
    expect(info.name).toBe('cpu');
    expect(info.reason).toContain('TUBEKIT_BACKEND');
    expect(tf.getBackend()).toBe('cpu');
    const forced = await initBackend({ backend: 'wasm', log: () => {} });
    expect(forced.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  test('rejects an unknown TUBEKIT_BACKEND with the accepted values', () => {
    process.env.TUBEKIT_BACKEND = 'webgpu';
    expect(() => initBackend({ log: () => {} })).toThrow(
      /TUBEKIT_BACKEND="webgpu".*tensorflow, wasm, cpu or auto/,
    );
  });

  test('forcing tensorflow without the native package is an error naming what is missing', async () => {
    await expect(initBackend({ backend: 'tensorflow', log: () => {} })).rejects.toThrow(
      /tfjs-node/,
    );
  });
});
