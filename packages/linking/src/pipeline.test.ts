import { emptyTubeletDetections } from '@tubekit/geometry';
import { frameDets } from '../test/fixtures';
import { frameNMS, linkVideos, runLinkingPipeline } from './pipeline';
import { MULTISPORTS_PIPELINE, ONLINE_PIPELINE, SAHA_TRIMMER, VITERBI_PIPELINE } from './presets';

type Row = [string, number, number, number, number, number, number, number];

const rows: Row[] = [];
for (const video of ['a', 'b'])
  for (let f = 1; f <= 40; f++) {
    rows.push([video, f, 0, f <= 5 ? 0.05 : 0.9, f, 0, f + 50, 50]);
    rows.push([video, f, 0, 0.3, f + 1, 0, f + 51, 50]); // a near-duplicate
  }
const dets = frameDets(rows);

describe('runLinkingPipeline', () => {
  it('records every parameter of the pipeline and the input/output counts', () => {
    const { tubes, metadata } = runLinkingPipeline(dets, MULTISPORTS_PIPELINE);
    expect(tubes.length).toBeGreaterThan(0);
    const json = JSON.parse(JSON.stringify(metadata));
    expect(json.pipeline.linker).toEqual({
      method: 'tubelet',
      options: {
        suppression: {
          iouThreshold: 0.6,
          topK: 10,
          pixelInclusive: true,
          soft: true,
          softOverlap: 'sum',
        },
        linkThreshold: 0.5,
        linkPixelInclusive: false,
        closeAfter: 'K',
        minScore: 0.005,
        minLength: 15,
      },
    });
    expect(json.input).toEqual({ kind: 'frames', K: 1, videos: 2, detections: 160 });
    expect(json.output).toEqual({ videos: 2, tubes: tubes.length });
  });

  it('composes per-frame NMS, a linker and a trimmer, one video at a time', () => {
    const pipeline = {
      ...ONLINE_PIPELINE,
      name: 'online+saha',
      frameNMS: { iouThreshold: 0.3, pixelInclusive: false },
      trimmer: {
        method: 'two-state' as const,
        options: { ...SAHA_TRIMMER.options, alpha: 1, longerThan: 20 },
      },
    };
    const videos = [...linkVideos(dets, pipeline)];
    expect(videos.map((v) => v.video)).toEqual(['a', 'b']);
    for (const { tubes } of videos) {
      // NMS removed the duplicate track; the trimmer cut the five low-score frames.
      expect(tubes.map((t) => [t.start, t.boxes.length / 4])).toEqual([[6, 35]]);
    }
  });

  it('frameNMS keeps the input order and drops suppressed rows', () => {
    const { dets: kept } = frameNMS(dets, { iouThreshold: 0.3, pixelInclusive: false });
    expect(kept.length).toBe(80);
    expect(Array.from(kept.frame.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  it('refuses tubelets for frame linkers', () => {
    const tubelets = emptyTubeletDetections(['v'], 2, 0);
    expect(() => runLinkingPipeline(tubelets, VITERBI_PIPELINE, { source: 't.csv' })).toThrow(
      /t\.csv: the viterbi linker needs frame detections/,
    );
  });
});
