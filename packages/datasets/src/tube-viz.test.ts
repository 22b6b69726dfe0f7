import type { VideoAnnotation } from './annotation-model';
import { createGeneratedFrameSource } from './frame-source';
import { drawTubeOverlay, TUBE_COLOURS, VIZ_TIMELINE_HEIGHT, visualizeTubes } from './tube-viz';

const video: VideoAnnotation = {
  name: 'demo/box',
  nframes: 4,
  width: 20,
  height: 10,
  tubes: [{ label: 0, start: 2, boxes: Float64Array.of(2, 2, 8, 6, 3, 2, 9, 6) }],
};

describe('tube visualisation', () => {
  it('outlines the box of the frame and marks the tube interval on the timeline', () => {
    const W = 40;
    const H = 20 + VIZ_TIMELINE_HEIGHT;
    const image = new Uint8Array(W * H * 3);
    drawTubeOverlay(image, W, H, video, 2, 2, 1);
    const at = (x: number, y: number) =>
      Array.from(image.subarray(3 * (y * W + x), 3 * (y * W + x) + 3));
    const colour = Array.from(TUBE_COLOURS[0]!);
    expect(at(4, 4)).toEqual(colour); // top-left corner of [2,2,8,6] × 2
    expect(at(15, 11)).toEqual(colour); // bottom-right corner (x2 − 1, y2 − 1)
    expect(at(8, 8)).toEqual([0, 0, 0]); // inside stays untouched
    expect(at(25, H - 1)).toEqual(colour); // timeline: frames 2–3 of 4 → x in [10, 30)
    expect(at(15, H - 1)).toEqual([255, 255, 255]); // current-frame tick
    expect(at(35, H - 1)).toEqual([0, 0, 0]);
  });

  it('encodes an animation and a contact sheet', async () => {
    const source = createGeneratedFrameSource({
      video: video.name,
      width: video.width,
      height: video.height,
      nframes: video.nframes,
      render: (f, out) => {
        out.fill(f / 4);
      },
    });
    const gif = await visualizeTubes(source, video, ['thing'], { format: 'gif', scale: 2 });
    expect(gif.frames).toEqual([1, 2, 3, 4]);
    expect(gif.bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    const png = await visualizeTubes(source, video, ['thing'], { format: 'png', frames: [2, 3] });
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    await expect(visualizeTubes(source, video, [], { format: 'png', frames: [] })).rejects.toThrow(
      /no frames/,
    );
  });
});
