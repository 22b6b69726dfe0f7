import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, tubekitDataPath } from '@tubekit/datasets';
import { runCli } from '../../test/run-cli';
import type { ViewSession, ViewVideo } from '../view/view-api';
import { startView, type ViewCommandOptions } from './view';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tubekit-view-cmd-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const defaults: ViewCommandOptions = {
  preset: 'smoke',
  seed: '0',
  protocol: 'voc',
  iou: '0.5',
  port: '0',
  open: false,
};

describe('tubekit view', () => {
  it('bad inputs: one line naming the file or the option, exit code 1', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(
      bad,
      'video,frame,label,score,x1,y1,x2,y2\nwalk/walk_0000,1,0,0.5,10,10,5,20\n',
    );
    const cases: Array<[string[], RegExp]> = [
      [['--gt', join(dir, 'missing.pkl')], /^tubekit view: .*missing\.pkl.*\n$/],
      [
        ['--det', join(dir, 'missing.csv')],
        /^tubekit view: cannot read --det .*missing\.csv: ENOENT\n$/,
      ],
      [
        ['--protocol', 'ava-2018'],
        /^tubekit view: --protocol ava-2018: expected one of act, voc, singh, yowo\n$/,
      ],
      [['--iou', '2'], /^tubekit view: --iou must be in \(0, 1\], got "2"\n$/],
      [['--port', 'x'], /^tubekit view: --port must be an integer in 0…65535, got "x"\n$/],
      [
        ['--video', 'nope'],
        /^tubekit view: --video "nope" is not in SynthTubes .*a 0-based index also works\)\n$/,
      ],
      [
        ['--frames', dir],
        /^tubekit view: --frames needs --gt \(SynthTubes renders its own frames\)\n$/,
      ],
      [['--proposals', bad], /^tubekit view: .*bad\.csv:1: column 1: not valid JSON.*\n$/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await runCli(['view', '--no-open', ...args]);
      expect([code, stderr]).toEqual([1, expect.stringMatching(message)]);
    }
  });

  it('starts on a SynthTubes video with no files and prints the URL as JSON', async () => {
    const out: string[] = [];
    const server = await startView(
      { ...defaults, json: true },
      { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
    );
    try {
      const printed = JSON.parse(out.join(''));
      expect(printed).toEqual({
        url: server.url,
        title: 'SynthTubes synthtubes-smoke (seed 0)',
        videos: 24,
        detections: null,
        proposals: false,
      });
      const session = (await (
        await fetch(new URL('/api/session', server.url))
      ).json()) as ViewSession;
      expect(session.videos[0].frames).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('starts on the UCF101-24 GT with a parity-style frame-detection CSV (shared data)', async () => {
    // The shared fixtures hold no UCF101-24 detections (only fixtures/multisports/frame_dets.csv
    // and fixtures/ava): the CSV, in the parity format of frame_dets.csv, is made from the GT of
    // the first test video — its box on one frame (a TP), the box 2 px right (a duplicate) and a
    // far corner box (a false positive).
    const gt = tubekitDataPath('ucf101-24/pyannot.pkl');
    const dataset = await loadDataset(gt);
    const video = dataset.videos.find((v) => v.tubes.some((t) => t.boxes.length >= 12))!;
    const tube = video.tubes.find((t) => t.boxes.length >= 12)!;
    const frame = tube.start + 1;
    const [x1, y1, x2, y2] = Array.from(tube.boxes.subarray(4, 8));
    const row = (score: number, b: number[]) =>
      [video.name, frame, tube.label, score, ...b.map((v) => v.toFixed(6))].join(',');
    const det = join(dir, 'ucf101-24-frame-dets.csv');
    await writeFile(
      det,
      [
        'video,frame,label,score,x1,y1,x2,y2',
        row(0.999503, [x1!, y1!, x2!, y2!]),
        row(0.8, [x1! + 2, y1!, x2! + 2, y2!]),
        row(0.7, x1! > video.width / 2 ? [0, 0, 8, 8] : [video.width - 8, 0, video.width, 8]),
      ].join('\n'),
    );
    const out: string[] = [];
    const server = await startView(
      { ...defaults, gt, det, video: video.name, json: true },
      { stdout: (t) => out.push(t), stderr: (t) => out.push(t) },
    );
    try {
      expect(JSON.parse(out.join(''))).toMatchObject({
        videos: dataset.videos.length,
        detections: 'frame',
      });
      const view = (await (
        await fetch(
          new URL(`/api/video?name=${encodeURIComponent(video.name)}&protocol=voc`, server.url),
        )
      ).json()) as ViewVideo;
      expect(view.gt.length).toBe(video.tubes.length);
      expect(view.detections.map((d) => [d.score, d.outcomes[0]])).toEqual([
        [0.999503, 'truePositive'],
        [0.8, 'duplicate'],
        [0.7, expect.not.stringMatching(/^(truePositive|duplicate)$/)],
      ]);
    } finally {
      await server.close();
    }
  });
});
