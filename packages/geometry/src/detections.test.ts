import { emptyFrameDetections, emptyTubeletDetections } from './detections';

describe('emptyFrameDetections', () => {
  it('allocates zero-filled columns of the given length', () => {
    const d = emptyFrameDetections(['a', 'b'], 3);
    expect(d.videos).toEqual(['a', 'b']);
    expect(d.length).toBe(3);
    for (const col of [d.videoIndex, d.frame, d.label, d.score])
      expect(Array.from(col)).toEqual([0, 0, 0]);
    expect(d.boxes).toHaveLength(12);
    expect(d.videoIndex).toBeInstanceOf(Int32Array);
    expect(d.score).toBeInstanceOf(Float64Array);
  });

  it('allows no rows and rejects a length that is not a count', () => {
    expect(emptyFrameDetections([], 0).boxes).toHaveLength(0);
    expect(() => emptyFrameDetections([], -1)).toThrow(/length must be an integer ≥ 0, got -1/);
    expect(() => emptyFrameDetections([], 1.5)).toThrow(/got 1.5/);
  });
});

describe('emptyTubeletDetections', () => {
  it('allocates K boxes a row', () => {
    const d = emptyTubeletDetections(['a'], 6, 2);
    expect(d.K).toBe(6);
    expect(d.start).toHaveLength(2);
    expect(d.boxes).toHaveLength(2 * 6 * 4);
  });

  it('rejects K < 1 and a negative length', () => {
    expect(() => emptyTubeletDetections(['a'], 0, 1)).toThrow(/K must be an integer ≥ 1, got 0/);
    expect(() => emptyTubeletDetections(['a'], 6, -2)).toThrow(/length must be an integer ≥ 0/);
  });
});
