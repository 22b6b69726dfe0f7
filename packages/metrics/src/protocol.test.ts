import { parseIoUEntries } from './iou-thresholds';
import { matchRanked } from './match';
import { PROTOCOL_NAMES, protocolProfile } from './protocol';
import { rankByScore } from './rank';

describe('protocol profiles', () => {
  it('has one profile per name, named after it', () => {
    for (const name of PROTOCOL_NAMES) expect(protocolProfile(name).name).toBe(name);
    expect(() => protocolProfile('coco')).toThrow(
      /unknown protocol "coco"; expected one of act, voc/,
    );
  });

  it('encodes the protocol table', () => {
    const act = protocolProfile('act');
    expect([
      act.frame.pixelInclusive,
      act.video.temporal,
      act.ap,
      act.mean,
      act.video.tubeNMS,
    ]).toEqual([true, 'act', 'trapezoid', 'all-labels', 0.3]);
    expect(protocolProfile('voc').frame.duplicates).toBe('best-overall');
    expect(protocolProfile('singh').video.threshold).toBe('above');
    expect(protocolProfile('singh').frame.threshold).toBe('at-least');
    expect(protocolProfile('yowo').frame.frames).toBe('annotated');
    expect(protocolProfile('yowo').video.duplicates).toBe('best-remaining');
    expect(protocolProfile('ava-2019').ava!.topKPerKeyframe).toBe(50);
    expect(protocolProfile('mmaction2').mean).toBe('labels-with-gt-and-detections');
    expect(protocolProfile('act').ava).toBeNull();
  });
});

describe('IoU entries', () => {
  it('parses numbers, COCO ranges and stepped ranges', () => {
    expect(parseIoUEntries([0.5, '0.2'])).toEqual([
      { iou: 0.5, thresholds: [0.5] },
      { iou: 0.2, thresholds: [0.2] },
    ]);
    expect(parseIoUEntries(['0.5:0.95'])[0]!.thresholds).toEqual([
      0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95,
    ]);
    expect(parseIoUEntries(['0.1:0.1:0.9'])[0]!.thresholds).toHaveLength(9);
    for (const bad of ['x', '0', '1.5', '0.9:0.5', '0.5:0:0.9'])
      expect(() => parseIoUEntries([bad])).toThrow(/expected a number in \(0, 1\]/);
    expect(() => parseIoUEntries([])).toThrow(/no IoU threshold/);
  });
});

describe('matchRanked and rankByScore', () => {
  it('breaks IoU ties towards the lower GT index and never matches NaN', () => {
    const out = new Uint8Array(2);
    matchRanked(
      [0.7, 0.7, 0.7, 0.7],
      2,
      2,
      0.5,
      'at-least',
      'best-overall',
      new Uint8Array(2),
      out,
    );
    expect(Array.from(out)).toEqual([1, 0]);
    matchRanked(
      [0.7, 0.7, 0.7, 0.7],
      2,
      2,
      0.5,
      'at-least',
      'best-remaining',
      new Uint8Array(2),
      out,
    );
    expect(Array.from(out)).toEqual([1, 1]);
    matchRanked([Number.NaN, 0.6], 2, 1, 0.5, 'at-least', 'best-overall', new Uint8Array(1), out);
    expect(Array.from(out)).toEqual([0, 1]);
    matchRanked([0.5], 1, 1, 0.5, 'above', 'best-overall', new Uint8Array(1), out);
    expect(out[0]).toBe(0);
  });

  it('ranks by descending score, ties by insertion, optionally in float32', () => {
    expect(Array.from(rankByScore([0.2, 0.9, 0.2], 3))).toEqual([1, 0, 2]);
    const a = 0.30000001;
    const b = 0.30000002; // equal in float32
    expect(Array.from(rankByScore([a, b], 2))).toEqual([1, 0]);
    expect(Array.from(rankByScore([a, b], 2, true))).toEqual([0, 1]);
  });
});
