import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { viewFixture } from '../../test/view-fixture';
import type { ViewProposals, ViewSession, ViewVideo } from './view-api';
import { ViewData } from './view-data';
import { startViewServer, type ViewServer } from './view-server';

describe('tubekit view server', () => {
  let fixture: Awaited<ReturnType<typeof viewFixture>>;
  let server: ViewServer;
  let page: string;
  beforeAll(async () => {
    fixture = await viewFixture();
    page = await mkdtemp(join(tmpdir(), 'tubekit-view-page-'));
    await writeFile(join(page, 'index.html'), '<!doctype html><title>page</title>');
    const data = await ViewData.load({ det: fixture.det, proposals: fixture.proposals });
    server = await startViewServer(data, { staticDir: page });
  });
  afterAll(async () => {
    await server?.close();
    await rm(fixture.dir, { recursive: true, force: true });
    await rm(page, { recursive: true, force: true });
  });
  const get = (path: string) => fetch(new URL(path, server.url));

  it('listens on 127.0.0.1 and serves the page', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await get('/')).text()).toContain('<title>page</title>');
    expect((await get('/../../etc/passwd')).status).toBe(404);
  });

  it('describes the session', async () => {
    const s = (await (await get('/api/session')).json()) as ViewSession;
    expect(s.title).toBe('SynthTubes synthtubes-smoke (seed 0)');
    expect(s.detections).toBe('frame');
    expect(s.proposals).toBe(true);
    expect(s.protocols).toEqual(['act', 'voc', 'singh', 'yowo']);
    expect(s.videos[0]).toMatchObject({ name: fixture.video, detections: 3, frames: true });
  });

  it('gives each detection its outcome from @tubekit/metrics under the requested protocol and IoU', async () => {
    const at = async (iou: number) => {
      const v = (await (
        await get(`/api/video?name=${encodeURIComponent(fixture.video)}&protocol=voc&iou=${iou}`)
      ).json()) as ViewVideo;
      return v.detections.map((d) => [d.score, d.outcomes[0]]);
    };
    expect(await at(0.5)).toEqual([
      [0.9, 'truePositive'],
      [0.8, 'duplicate'],
      [0.7, 'localization'],
    ]);
    expect((await at(0.9))[1]).toEqual([0.8, 'localization']);
  });

  it('serves proposals and frames', async () => {
    const p = (await (
      await get(`/api/proposals?video=${encodeURIComponent(fixture.video)}`)
    ).json()) as ViewProposals;
    expect(p.clips[0]!.stages.map((s) => s.name)).toEqual(['initial', 'step 1']);
    const frame = await get(`/api/frame?video=${encodeURIComponent(fixture.video)}&frame=1`);
    expect(frame.headers.get('content-type')).toBe('image/jpeg');
    expect((await frame.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it('answers bad requests with a status and one line', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/video?name=nope', 404, 'video "nope" is not in the GT'],
      [
        `/api/video?name=${encodeURIComponent(fixture.video)}&protocol=ava-2018`,
        400,
        'protocol "ava-2018": expected one of act, voc, singh, yowo',
      ],
      [
        `/api/video?name=${encodeURIComponent(fixture.video)}&level=video`,
        400,
        'level video needs tube detections; these are frame detections',
      ],
      [
        `/api/frame?video=${encodeURIComponent(fixture.video)}&frame=0`,
        400,
        `frame must be an integer in 1…${fixture.nframes}, got 0`,
      ],
      ['/api/frame?frame=1', 400, 'missing query parameter video'],
    ];
    for (const [path, status, error] of cases) {
      const res = await get(path);
      expect([res.status, await res.json()]).toEqual([status, { error }]);
    }
  });

  it('tube detections: outcomes per tube at video level (the protocol tube NMS too) or per box at frame level', async () => {
    const { createSynthTubes } = await import('@tubekit/datasets');
    const video = createSynthTubes({ preset: 'smoke', seed: 0 }).dataset.videos[0]!;
    const t = video.tubes[0]!;
    const rows = ['video,tube,label,score,frame,x1,y1,x2,y2'];
    for (let k = 0; k < t.boxes.length / 4; k++) {
      const [x1, y1, x2, y2] = Array.from(t.boxes.subarray(4 * k, 4 * k + 4));
      rows.push([video.name, 'a', t.label, 0.9, t.start + k, x1, y1, x2, y2].join(','));
      rows.push([video.name, 'b', t.label, 0.8, t.start + k, x1! + 1, y1, x2! + 1, y2].join(','));
    }
    const csv = join(fixture.dir, 'tubes.csv');
    await writeFile(csv, rows.join('\n'));
    const data = await ViewData.load({ det: csv });
    expect(data.session().detections).toBe('tube');
    const outcomes = (protocol: string, level: string) =>
      data.videoView(video.name, protocol, 0.5, level).detections.map((d) => [d.id, d.outcomes[0]]);
    expect(outcomes('voc', 'video')).toEqual([
      ['a', 'truePositive'],
      ['b', 'duplicate'],
    ]);
    expect(outcomes('act', 'video')).toEqual([
      ['a', 'truePositive'],
      ['b', 'suppressed'],
    ]);
    const frameLevel = data.videoView(video.name, 'voc', 0.5, 'frame').detections;
    expect(frameLevel[1]!.outcomes).toHaveLength(t.boxes.length / 4);
    expect(new Set(frameLevel[0]!.outcomes)).toEqual(new Set(['truePositive']));
  });
});
