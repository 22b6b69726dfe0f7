import { ONNXRUNTIME_SKIP, onnxruntimeInstalled } from '../test/onnxruntime';
import { encodeOnnxModel } from './onnx-model-encode';
import { OrtSyncBridge } from './ort-sync-bridge';

const relu = encodeOnnxModel({
  nodes: [
    { opType: 'Relu', inputs: ['x'], outputs: ['r'] },
    { opType: 'Mul', inputs: ['r', 'k'], outputs: ['y'] },
  ],
  initializers: [],
  inputs: [
    { name: 'x', shape: ['N'] },
    { name: 'k', shape: [1] },
  ],
  outputs: [{ name: 'y', shape: ['N'] }],
});

(onnxruntimeInstalled ? describe : describe.skip)(
  'OrtSyncBridge (onnxruntime in a worker, called synchronously)',
  () => {
    let bridge: OrtSyncBridge;
    beforeAll(async () => {
      bridge = await OrtSyncBridge.start({ threads: 1 });
    });
    afterAll(async () => {
      await bridge.close();
    });

    test('runs a session synchronously, again on reused input buffers', () => {
      const id = bridge.createSession(relu);
      const n = 300_000;
      for (const k of [3, 0.5]) {
        const x = Float32Array.from({ length: n }, (_, i) => (i % 5) - 2);
        const [y] = bridge.run(
          id,
          [
            { name: 'x', shape: [n], write: (t) => t.set(x) },
            { name: 'k', shape: [1], write: (t) => t.set([k]) },
          ],
          [{ name: 'y', shape: [n] }],
        );
        expect(y?.length).toBe(n);
        expect(Array.from(y?.subarray(0, 5) ?? [])).toEqual([0, 0, 0, k, 2 * k]);
        expect(y?.[n - 1]).toBe(k * Math.max(0, ((n - 1) % 5) - 2));
      }
    });

    test('feeds overlapping windows of one buffer (aliases) without a copy each', () => {
      const id = bridge.createSession(
        encodeOnnxModel({
          nodes: [{ opType: 'Sub', inputs: ['a', 'b'], outputs: ['d'] }],
          initializers: [],
          inputs: [
            { name: 'a', shape: [2, 3] },
            { name: 'b', shape: [2, 3] },
          ],
          outputs: [{ name: 'd', shape: [2, 3] }],
        }),
      );
      const input = {
        name: 'a',
        shape: [2, 3],
        length: 8,
        aliases: [{ name: 'b', shape: [2, 3], offset: 2 }],
        write: (t: Float32Array) => t.set([1, 2, 4, 8, 16, 32, 64, 128]),
      };
      const [d] = bridge.run(id, [input], [{ name: 'd', shape: [2, 3] }]);
      // a = 1 2 4 8 16 32, b = 4 8 16 32 64 128
      expect(Array.from(d ?? [])).toEqual([-3, -6, -12, -24, -48, -96]);
      expect(() =>
        bridge.run(
          id,
          [{ ...input, aliases: [{ name: 'b', shape: [2, 3], offset: 3 }] }],
          [{ name: 'd', shape: [2, 3] }],
        ),
      ).toThrow(/^onnxruntime bridge: input b reads past its buffer's 8 floats$/);
    });

    test("throws onnxruntime's error as one line, and keeps working after it", () => {
      const id = bridge.createSession(relu);
      expect(() =>
        bridge.run(
          id,
          [{ name: 'nope', shape: [1], write: () => {} }],
          [{ name: 'y', shape: [1] }],
        ),
      ).toThrow(/^onnxruntime: .*'x'/);
      expect(() => bridge.createSession(new Uint8Array([1, 2, 3]))).toThrow(/^onnxruntime: /);
      const [y] = bridge.run(
        id,
        [
          { name: 'x', shape: [2], write: (t) => t.set([-1, 2]) },
          { name: 'k', shape: [1], write: (t) => t.set([1]) },
        ],
        [{ name: 'y', shape: [2] }],
      );
      expect(Array.from(y ?? [])).toEqual([0, 2]);
    });
  },
);

if (!onnxruntimeInstalled) test.skip(`OrtSyncBridge: ${ONNXRUNTIME_SKIP}`, () => {});
