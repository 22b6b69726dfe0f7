import { NumericLane, STAGED_ROWS } from './numeric-lane';

/** The frame-detection layout: video, frame (≥ 1), label (≥ 0), score, then a box of 4. */
const FRAME_COLUMNS = {
  kind: Uint8Array.from([1, 2, 2, 3, 3, 3, 3, 3]),
  target: Int32Array.from([0, 0, 1, 0, 1, 1, 1, 1]),
  stride: Int32Array.from([0, 0, 0, 1, 4, 4, 4, 4]),
  offset: Int32Array.from([0, 0, 0, 0, 0, 1, 2, 3]),
  lowest: Float64Array.from([0, 1, 0, 0, 0, 0, 0, 0]),
};

const lane = () => new NumericLane(FRAME_COLUMNS, 2, [1, 4]);

describe('NumericLane (the WebAssembly fast lane)', () => {
  it('stages plain lines of the current video and stops at the first other line', () => {
    const text = Buffer.from(
      'v1,3,2,0.25,1,2,3.5,-4\r\nv1, 7 ,0,-0,1e1,2,3,4\nv2,1,0,0.5,1,2,3,4\n',
    );
    const l = lane();
    l.load(text, text.length);
    l.setVideo(text, 0, 2);
    const stop = l.store(0, text.length - 1, STAGED_ROWS);
    // the second line has an exponent: the TypeScript parser's case, so the lane stops there
    expect(l.rows).toBe(1);
    expect(text.toString('latin1', stop, stop + 4)).toBe('v1, ');
    expect([l.ints[0]![0], l.ints[1]![0], l.floats[0]![0]]).toEqual([3, 2, 0.25]);
    expect([...l.floats[1]!.subarray(0, 4)]).toEqual([1, 2, 3.5, -4]);
  });

  it('stages at most the rows it is given room for, and takes a video cell longer than its buffer', () => {
    const video = `cls/${'y'.repeat(5000)}`;
    const rows = Array.from({ length: 10 }, (_, i) => `${video},${i + 1},1,0.${i},1,2,3,4\n`);
    const text = Buffer.from(`other,1,1,1,1,1,1,1\n${rows.join('')}`);
    const l = lane();
    l.load(text, text.length);
    const start = text.indexOf('\n') + 1;
    l.setVideo(text, start, start + video.length);
    const next = l.store(start, text.length - 1, 4);
    expect(l.rows).toBe(4);
    expect([...l.ints[0]!.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    l.store(next, text.length - 1, STAGED_ROWS);
    expect(l.rows).toBe(6);
    expect([...l.floats[0]!.subarray(0, 6)]).toEqual([0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('leaves Int32 overflow, a frame 0, a coordinate beyond 1e7, 16 digits, a ninth cell, a fractional frame and a quote to the TypeScript parser', () => {
    for (const line of [
      'v,2147483648,0,0.5,1,2,3,4',
      'v,0,0,0.5,1,2,3,4',
      'v,1,0,0.5,1,2,3,10000001',
      'v,1,0,0.1234567890123456,1,2,3,4',
      'v,1,0,0.5,1,2,3,4,5',
      'v,1.5,0,0.5,1,2,3,4',
      'v,1,0,0.5,1,2,3,"4"',
    ]) {
      const text = Buffer.from(`v,2147483647,0,0.5,1,2,3,4\n${line}\n`);
      const l = lane();
      l.load(text, text.length);
      l.setVideo(text, 0, 1);
      expect([l.store(0, text.length - 1, STAGED_ROWS), l.rows]).toEqual([
        text.indexOf('\n') + 1,
        1,
      ]);
      expect(l.ints[0]![0]).toBe(2147483647);
    }
  });
});
