import type { FrameBoxes } from '@tubekit/heads/cross-stream';
import type { BenchVideo } from './bench-data';
import {
  classAgnosticFrameAps,
  frameClassAps,
  frameMaps,
  streamFrameAps,
  type VideoRun,
} from './evaluate';

const GT = [10, 10, 40, 60];

/** One video of 2 frames with one actor of class 0 ("jump") in both. */
function video(): BenchVideo {
  return {
    variant: 'plain',
    annotation: {
      name: 'plain/v1',
      nframes: 2,
      width: 112,
      height: 112,
      tubes: [{ label: 0, start: 1, boxes: Float64Array.from([...GT, ...GT]) }],
    },
    rgb: new Float32Array(0),
    flow: new Float32Array(0),
  };
}

function frame(box: number[], label: number, score: number): FrameBoxes {
  return {
    boxes: Float64Array.from(box),
    scores: Float64Array.from([score]),
    labels: Int32Array.from([label]),
  };
}

function run(outputs: FrameBoxes[]): VideoRun {
  return { video: video(), frameOutputs: [outputs], recall: [], passes: [] };
}

describe('classAgnosticFrameAps', () => {
  it('counts a well-placed box of the wrong class as found, where frame-mAP does not', () => {
    // class 2 ("run", 1-based) on the actor of class 1 ("jump") in both frames
    const wrongClass = run([frame(GT, 2, 0.9), frame(GT, 2, 0.8)]);
    expect(frameMaps(['jump', 'run'], [wrongClass], 0)['0.5']).toBe(0);
    expect(classAgnosticFrameAps([wrongClass], 0)['0.5']).toBeCloseTo(100, 6);
  });

  it('still needs the box to overlap the actor at each IoU', () => {
    // IoU 0.76 with the GT box: a hit at 0.2, 0.5 and 0.75; a box far away is none
    const loose = run([frame([10, 10, 40, 48], 1, 0.9), frame([10, 10, 40, 48], 1, 0.9)]);
    const aps = classAgnosticFrameAps([loose], 0);
    expect(aps['0.2']).toBeCloseTo(100, 6);
    expect(aps['0.5']).toBeCloseTo(100, 6);
    expect(aps['0.75']).toBeCloseTo(100, 6);
    const far = run([frame([70, 70, 100, 100], 1, 0.9), frame([70, 70, 100, 100], 1, 0.9)]);
    expect(classAgnosticFrameAps([far], 0)['0.2']).toBe(0);
  });
});

describe('frameClassAps', () => {
  it("gives each class's AP@0.5, and their mean is the frame-mAP", () => {
    // the actor named right in frame 1, wrong in frame 2: "jump" finds half its boxes at
    // precision 1; "run" has no GT box, so its one detection is a false positive (the `act`
    // protocol averages over every label, one without GT at 0)
    const half = run([frame(GT, 1, 0.9), frame(GT, 2, 0.8)]);
    const aps = frameClassAps(['jump', 'run'], [half], 0);
    expect(Object.keys(aps)).toEqual(['jump', 'run']);
    expect(aps.jump).toBeCloseTo(50, 6);
    expect(aps.run).toBe(0);
    expect(frameMaps(['jump', 'run'], [half], 0)['0.5']).toBeCloseTo(25, 6);
  });
});

describe('streamFrameAps', () => {
  it("scores each stream's stage-0 detections alone, not the frame output", () => {
    const far = frame([70, 70, 100, 100], 1, 0.9);
    const onActor = frame(GT, 2, 0.9);
    // the union frame output finds the actor; only the RGB head did
    const r: VideoRun = {
      ...run([onActor, onActor]),
      streamOutputs: { rgb: [onActor, onActor], flow: [far, far] },
    };
    expect(classAgnosticFrameAps([r], 0)['0.5']).toBeCloseTo(100, 6);
    expect(streamFrameAps([r], 'rgb')['0.5']).toBeCloseTo(100, 6);
    expect(streamFrameAps([r], 'flow')['0.5']).toBe(0);
  });

  it('names the run that kept no stream outputs', () => {
    expect(() => streamFrameAps([run([])], 'rgb')).toThrow(
      /the run of plain\/v1 kept no stream outputs/,
    );
  });
});
