import { drawBackgroundBox } from './background-box';
import { boxIoUAt } from './box-iou';
import { createRandom } from './random';

describe('drawBackgroundBox', () => {
  const frame = { width: 112, height: 96 };

  it('draws an actor-sized box inside the frame, held over K frames, off every actor', () => {
    const actor = Float64Array.from([10, 10, 40, 80, 12, 10, 42, 80]); // K = 2
    for (let seed = 0; seed < 50; seed++) {
      const out = drawBackgroundBox(new Float32Array(8), frame, [actor], createRandom(seed));
      const [x1, y1, x2, y2] = out;
      expect(Array.from(out.subarray(4))).toEqual([x1, y1, x2, y2]);
      expect(x1!).toBeGreaterThanOrEqual(0);
      expect(y1!).toBeGreaterThanOrEqual(0);
      expect(x2!).toBeLessThanOrEqual(112);
      expect(y2!).toBeLessThanOrEqual(96);
      expect(x2! - x1!).toBeGreaterThanOrEqual(0.15 * 112 - 1e-4);
      expect(y2! - y1!).toBeLessThanOrEqual(0.8 * 96 + 1e-4);
      expect((boxIoUAt(out, 0, actor, 0) + boxIoUAt(out, 1, actor, 1)) / 2).toBeLessThan(0.3);
    }
    // seeded: the same box again
    expect(drawBackgroundBox(new Float64Array(4), frame, [], createRandom(3))).toEqual(
      drawBackgroundBox(new Float64Array(4), frame, [], createRandom(3)),
    );
  });

  it('keeps the last draw when no draw clears the actors, after `attempts` draws of four numbers', () => {
    const everywhere = Float64Array.from([0, 0, 112, 96]);
    let draws = 0;
    const random = {
      next: () => {
        draws++;
        return 0.5;
      },
    };
    const out = drawBackgroundBox(new Float64Array(4), frame, [everywhere], random, {
      attempts: 5,
      maxIoU: 0.01,
    });
    expect(draws).toBe(20);
    // width 0.3 · 112, height 0.55 · 96, centred (every draw 0.5)
    [39.2, 21.6, 72.8, 74.4].forEach((v, k) => {
      expect(out[k]).toBeCloseTo(v, 10);
    });
    expect(() => drawBackgroundBox(new Float64Array(3), frame, [], random)).toThrow(
      'drawBackgroundBox: out has 3 values; expected K × 4, K ≥ 1',
    );
  });
});
