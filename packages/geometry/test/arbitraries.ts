import fc from 'fast-check';

/** A box `[x1, y1, x2, y2]` with positive width and height (≥ 0.5 px). */
export const boxArb = fc
  .tuple(
    fc.double({ min: -100, max: 1000, noNaN: true }),
    fc.double({ min: -100, max: 1000, noNaN: true }),
    fc.double({ min: 0.5, max: 400, noNaN: true }),
    fc.double({ min: 0.5, max: 400, noNaN: true }),
  )
  .map(([x, y, w, h]) => [x, y, x + w, y + h] as [number, number, number, number]);

/** A box with integer corners, as in pixel-inclusive annotation formats. */
export const intBoxArb = fc
  .tuple(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 120 }),
    fc.integer({ min: 0, max: 120 }),
  )
  .map(([x, y, w, h]) => [x, y, x + w, y + h] as [number, number, number, number]);

/** Between `minN` and `maxN` packed integer boxes inside a 280 px square, so that many overlap. */
export const packedBoxesArb = (minN: number, maxN: number) =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 80 }),
      ),
      { minLength: minN, maxLength: maxN },
    )
    .map((rows) => Float64Array.from(rows.flatMap(([x, y, w, h]) => [x, y, x + w, y + h])));
