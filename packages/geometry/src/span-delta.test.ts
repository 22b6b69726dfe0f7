import fc from 'fast-check';
import { decodeSpanDeltas, encodeSpanDeltas } from './span-delta';

describe('span delta codec (R-C3D Eq. 2)', () => {
  test('hand-worked encode and decode', () => {
    // anchor [0, 8]: centre 4, length 8; span [2, 6]: centre 4, length 4
    const d = encodeSpanDeltas(new Float64Array([2, 6, 8, 16]), new Float64Array([0, 8]));
    expect(d[0]).toBe(0);
    expect(d[1]).toBeCloseTo(Math.log(0.5), 15);
    expect(d[2]).toBe(1); // centre 12 → (12 − 4)/8
    expect(d[3]).toBe(0);
    const back = decodeSpanDeltas(d, new Float64Array([0, 8]));
    expect(Array.from(back)).toEqual([2, 6, 8, 16]);
  });
  test('stds, means and inclusive frames', () => {
    const anchors = new Float64Array([0, 8]);
    const d = encodeSpanDeltas(new Float64Array([8, 16]), anchors, {
      stds: [0.1, 0.2],
      means: [0.5, 0],
    });
    expect(d[0]).toBeCloseTo(5, 12);
    expect(d[1]).toBe(0);
    // inclusive: frames 1…8 (length 8) vs anchor frames 1…4 (length 4): centre 4.5 vs 2.5
    const inc = encodeSpanDeltas(new Float64Array([1, 8]), new Float64Array([1, 4]), {
      pixelInclusive: true,
    });
    expect(inc[0]).toBe(0.5);
    expect(inc[1]).toBeCloseTo(Math.log(2), 15);
    expect(
      Array.from(decodeSpanDeltas(inc, new Float64Array([1, 4]), { pixelInclusive: true })),
    ).toEqual([1, 8]);
  });
  test('decoding clips to the video when asked, and caps log ratios', () => {
    const anchors = new Float64Array([0, 8]);
    expect(
      Array.from(
        decodeSpanDeltas(new Float64Array([0.5, 0]), anchors, { clip: { start: 0, end: 10 } }),
      ),
    ).toEqual([4, 10]);
    expect(
      Array.from(
        decodeSpanDeltas(new Float64Array([-2, 0]), anchors, { clip: { start: 0, end: 10 } }),
      ),
    ).toEqual([0, 0]);
    expect(
      Array.from(decodeSpanDeltas(new Float64Array([0, 5]), anchors, { maxLogRatio: Math.log(2) })),
    ).toEqual([-4, 12]);
  });
  test('property: decode inverts encode', () => {
    const row = fc
      .tuple(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
      )
      .map(([s, l, as, al]) => [s, s + l, as, as + al]);
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (rows, inclusive) => {
          const spans = Float64Array.from(rows.flatMap((r) => [r[0]!, r[1]!]));
          const anchors = Float64Array.from(rows.flatMap((r) => [r[2]!, r[3]!]));
          const o = { stds: [0.1, 0.2], pixelInclusive: inclusive };
          const back = decodeSpanDeltas(encodeSpanDeltas(spans, anchors, o), anchors, o);
          for (let i = 0; i < spans.length; i++) expect(back[i]).toBeCloseTo(spans[i]!, 8);
        },
      ),
    );
  });
  test('bad input names the row', () => {
    expect(() => encodeSpanDeltas(new Float64Array([3, 3]), new Float64Array([0, 8]))).toThrow(
      'encodeSpanDeltas: span 0 is [3, 3]; expected a positive length',
    );
    expect(() =>
      encodeSpanDeltas(new Float64Array([0, 3]), new Float64Array([0, 8, 1, 2])),
    ).toThrow(/anchors have length 4; expected 2 \(one shared anchor\) or 2/);
    expect(() =>
      decodeSpanDeltas(new Float64Array([0, Number.NaN]), new Float64Array([0, 8])),
    ).toThrow('decodeSpanDeltas: delta row 0 has NaN; expected finite');
    expect(() =>
      encodeSpanDeltas(new Float64Array([0, 3]), new Float64Array([0, 8]), { stds: [1] }),
    ).toThrow('span delta stds: length 1; expected 2');
  });
});
