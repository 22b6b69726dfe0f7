import { quantizeFrame } from '../frame-bytes';
import { synthPresetConfig } from './config';
import { createSynthTubes } from './synth-tubes';

/** The bytes of reading the frame sources frame by frame (the reference path). */
function viaFrameSources(
  synth: ReturnType<typeof createSynthTubes>,
  video: string,
  modality: 'rgb' | 'flow',
  size: [number, number],
) {
  const source = synth.frameSource(video, modality);
  const frame = size[0] * size[1] * 3;
  const bytes = new Uint8Array(source.nframes * frame);
  for (let f = 1; f <= source.nframes; f++)
    quantizeFrame(bytes, (f - 1) * frame, source.readSync(f, { size }), frame);
  return Buffer.from(bytes);
}

describe('SynthTubes.renderVideo', () => {
  it.each([
    ['smoke-v2', 112],
    ['smoke-v2', 48],
    ['smoke', 64],
  ] as const)('gives the quantised frame-source bytes (%s at %i px)', (preset, S) => {
    const synth = createSynthTubes({
      ...synthPresetConfig(preset, 2),
      videos: { train: 2, test: 0 },
    });
    for (const video of synth.dataset.videos) {
      const rgb = new Uint8Array(video.nframes * S * S * 3);
      const flow = new Uint8Array(rgb.length);
      synth.renderVideo(video.name, { rgb, flow }, [S, S]);
      expect(Buffer.from(rgb).equals(viaFrameSources(synth, video.name, 'rgb', [S, S]))).toBe(true);
      expect(Buffer.from(flow).equals(viaFrameSources(synth, video.name, 'flow', [S, S]))).toBe(
        true,
      );
      // One modality alone gives the same bytes.
      const only = new Uint8Array(rgb.length);
      synth.renderVideo(video.name, { flow: only }, [S, S]);
      expect(Buffer.from(only).equals(flow)).toBe(true);
      synth.renderVideo(video.name, { rgb: only }, [S, S]);
      expect(Buffer.from(only).equals(rgb)).toBe(true);
    }
  });

  it('rejects targets of the wrong size, naming the video', () => {
    const synth = createSynthTubes({
      ...synthPresetConfig('smoke', 0),
      videos: { train: 1, test: 0 },
    });
    const video = synth.dataset.videos[0]!;
    expect(() => synth.renderVideo(video.name, { rgb: new Uint8Array(5) })).toThrow(
      new RegExp(`${video.name}: rgb target has 5 bytes`),
    );
    expect(() => synth.renderVideo(video.name, {}, [0, 4])).toThrow(/frame size 0×4/);
  });
});
