import { spanAnchors } from './span-anchors';

describe('spanAnchors', () => {
  test('cell-major rows centred on each cell', () => {
    expect(Array.from(spanAnchors({ cells: 2, lengths: [1, 2], stride: 8 }))).toEqual([
      0, 8, -4, 12, 8, 16, 4, 20,
    ]);
    expect(Array.from(spanAnchors({ cells: 1, lengths: [2], centreOffset: 0 }))).toEqual([-1, 1]);
    expect(spanAnchors({ cells: 12, lengths: [1, 2, 4, 8, 12] }).length).toBe(2 * 60);
  });
  test('bad options', () => {
    expect(() => spanAnchors({ cells: 1.5, lengths: [1] })).toThrow(
      'spanAnchors: cells = 1.5; expected an integer ≥ 0',
    );
    expect(() => spanAnchors({ cells: 2, lengths: [1, 0] })).toThrow(
      'spanAnchors: length 1 is 0; expected a finite number > 0',
    );
    expect(() => spanAnchors({ cells: 2, lengths: [1], stride: 0 })).toThrow(
      'spanAnchors: stride = 0; expected > 0',
    );
  });
});
