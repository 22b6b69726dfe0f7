import { type TubeIoUConvention, temporalIoU, temporalIoUOfSpans } from './temporal-iou';

const span = (start: number, end: number) => ({
  start,
  boxes: new Float64Array(4 * (end - start + 1)),
});
const ALL: TubeIoUConvention[] = ['act', 'voc', 'singh', 'yowo'];

describe('temporal IoU per convention (spec/metrics.md table)', () => {
  test('one shared frame: > 0 under act, 0 under voc, singh and yowo', () => {
    const a = span(1, 10);
    const b = span(10, 20);
    expect(temporalIoU(a, b, 'act')).toBeCloseTo(1 / 20, 15); // (0+1)/(19+1)
    expect(temporalIoU(a, b, 'voc')).toBe(0);
    expect(temporalIoU(a, b, 'singh')).toBe(0);
    expect(temporalIoU(a, b, 'yowo')).toBe(0);
  });
  test('partial overlap: +1 for act/singh/yowo, none for voc', () => {
    const a = span(1, 10);
    const b = span(6, 15);
    expect(temporalIoU(a, b, 'act')).toBeCloseTo(5 / 15, 15);
    expect(temporalIoU(a, b, 'singh')).toBeCloseTo(5 / 15, 15);
    expect(temporalIoU(a, b, 'yowo')).toBeCloseTo(5 / 15, 15);
    expect(temporalIoU(a, b, 'voc')).toBeCloseTo(4 / 14, 15);
  });
  test('nested tubes', () => {
    expect(temporalIoU(span(1, 100), span(21, 40), 'act')).toBeCloseTo(20 / 100, 15);
    expect(temporalIoU(span(1, 100), span(21, 40), 'voc')).toBeCloseTo(19 / 99, 15);
  });
  test('identical one-frame tubes: 1 under act, 0 (not NaN) under voc, singh, yowo', () => {
    const a = span(7, 7);
    expect(temporalIoU(a, a, 'act')).toBe(1);
    expect(temporalIoU(a, a, 'voc')).toBe(0);
    expect(temporalIoU(a, a, 'singh')).toBe(0);
    expect(temporalIoU(a, a, 'yowo')).toBe(0);
  });
  test('adjacent and disjoint tubes give 0 everywhere; identical multi-frame tubes give 1', () => {
    for (const c of ALL) {
      expect(temporalIoU(span(1, 5), span(6, 10), c)).toBe(0);
      expect(temporalIoU(span(1, 5), span(60, 70), c)).toBe(0);
      expect(temporalIoU(span(3, 4), span(3, 4), c)).toBe(1);
      expect(temporalIoUOfSpans(3, 9, 5, 20, c)).toBe(temporalIoUOfSpans(5, 20, 3, 9, c));
    }
  });
  test('unknown convention is an error', () => {
    expect(() => temporalIoU(span(1, 2), span(1, 2), 'coco' as TubeIoUConvention)).toThrow(
      "unknown convention coco; expected 'act' | 'voc' | 'singh' | 'yowo'",
    );
  });
});
