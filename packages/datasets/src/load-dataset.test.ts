import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionDataset } from './annotation-model';
import { tubekitDataPath } from './data-dir';
import { decodeCachedDataset, encodeCachedDataset } from './dataset-cache';
import { formatDatasetJson, readDatasetJson, writeDatasetJson } from './dataset-json';
import { TubekitFormatError } from './format-error';
import { JHMDB_LABELS } from './jhmdb';
import { loadDataset } from './load-dataset';
import { type MatFile, readMat } from './mat-v5';
import { readVideoList } from './ucf101-24';
import { ucf101DatasetFromMat } from './ucf101-24-mat';
import { readUcf101Pickle } from './ucf101-24-pickle';
import { UCF_SPORTS_LABELS, ucfSportsTubesFromMat } from './ucfsports-tubes-mat';

const tubeCount = (ds: ActionDataset) => ds.videos.reduce((n, v) => n + v.tubes.length, 0);

describe('UCF101-24 readers (real files)', () => {
  let fromPickle: ActionDataset;
  let fromMat: ActionDataset;
  let mat: MatFile;
  beforeAll(async () => {
    fromPickle = await loadDataset(tubekitDataPath('ucf101-24/pyannot.pkl'));
    const path = tubekitDataPath('ucf101-24/finalAnnots.mat');
    mat = await readMat(path);
    const test = tubekitDataPath('ucf101-24/testlist01.txt');
    fromMat = ucf101DatasetFromMat(mat, path, {
      testList: { path: test, names: await readVideoList(test) },
    });
  });

  it('pyannot.pkl gives 3194 videos, 4458 tubes, 24 labels and the 910-video test list', () => {
    expect(fromPickle.videos).toHaveLength(3194);
    expect(tubeCount(fromPickle)).toBe(4458);
    expect(fromPickle.labels).toHaveLength(24);
    expect(fromPickle.splits.test).toHaveLength(910);
    expect(fromPickle.splits.train).toHaveLength(3194 - 910);
    const v = fromPickle.videos.find((x) => x.name === 'Basketball/v_Basketball_g01_c01')!;
    expect(v.nframes).toBe(141);
    expect(v.tubes[0]!.start).toBe(9);
    // x2 = x + w: 189 + 47, y2 = 102 + 78 (uint8 in the file: would wrap if added in uint8)
    expect(Array.from(v.tubes[0]!.boxes.subarray(0, 4))).toEqual([189, 102, 236, 180]);
  });

  it('pyannot.pkl comes back from the binary GT cache exactly', () => {
    expect(decodeCachedDataset(encodeCachedDataset(fromPickle))).toEqual(fromPickle);
  });

  it('widens uint8/uint16 before x + w (boxes beyond 255 exist)', () => {
    let maxX2 = 0;
    for (const v of fromPickle.videos)
      for (const t of v.tubes)
        for (let i = 2; i < t.boxes.length; i += 4) maxX2 = Math.max(maxX2, t.boxes[i]!);
    expect(maxX2).toBeGreaterThan(255);
  });

  it('finalAnnots.mat gives the identical dataset, box for box', () => {
    expect(fromMat.labels).toEqual(fromPickle.labels);
    expect(fromMat.splits).toEqual(fromPickle.splits);
    expect(fromMat.videos.length).toBe(3194);
    expect(tubeCount(fromMat)).toBe(4458);
    for (let i = 0; i < fromMat.videos.length; i++) {
      const a = fromMat.videos[i]!;
      const b = fromPickle.videos[i]!;
      expect(a.name).toBe(b.name);
      expect(a.nframes).toBe(b.nframes);
      expect(a.tubes.length).toBe(b.tubes.length);
      a.tubes.forEach((t, j) => {
        const u = b.tubes[j]!;
        if (t.start !== u.start || t.label !== u.label || t.boxes.join() !== u.boxes.join())
          throw new Error(`${a.name} tube ${j} differs`);
      });
    }
  });

  it('pyannot_with_class_names.pkl agrees and its classes are the standard order', async () => {
    const named = await readUcf101Pickle(tubekitDataPath('ucf101-24/pyannot_with_class_names.pkl'));
    expect(named.labels).toEqual(fromPickle.labels);
    expect(named.labels[0]).toBe('Basketball');
    expect(named.labels[23]).toBe('WalkingWithDog');
    expect(tubeCount(named)).toBe(4458);
    // without a test list, trainvideos gives the split (6 listed names are not annotated)
    expect(named.splits.train).toHaveLength(2284);
    expect(named.splits.test).toHaveLength(910);
  });

  it('round-trips through the canonical JSON exactly (every 8th video)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-ucf-'));
    try {
      const videos = fromMat.videos.filter((_, i) => i % 8 === 0);
      const names = new Set(videos.map((v) => v.name));
      const splits = Object.fromEntries(
        Object.entries(fromMat.splits).map(([k, list]) => [k, list.filter((n) => names.has(n))]),
      );
      const subset: ActionDataset = { ...fromMat, videos, splits };
      const path = join(dir, 'ucf101-24.tubes.json');
      await writeDatasetJson(path, subset);
      const back = await readDatasetJson(path);
      expect(formatDatasetJson(back)).toBe(readFileSync(path, 'utf8'));
      expect(back).toEqual(subset);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mat reader without a test list has no splits', () => {
    expect(ucf101DatasetFromMat(mat, 'finalAnnots.mat').splits).toEqual({});
  });
});

describe('J-HMDB readers (real files)', () => {
  let zip: ActionDataset;
  beforeAll(async () => {
    zip = await loadDataset(tubekitDataPath('jhmdb-21/groundtruths_jhmdb.zip'));
  });

  it('the ground-truth zip gives 268 videos over the 21 labels in standard order', () => {
    const ds = zip;
    expect(ds.videos).toHaveLength(268);
    expect(ds.labels).toEqual(JHMDB_LABELS);
    expect(ds.labels).toEqual([...JHMDB_LABELS].sort());
    expect(ds.splits.test1).toHaveLength(268);
    const v = ds.videos.find((x) => x.name === 'clap/Boom_Snap_Clap_clap_u_nm_np1_fr_med_1');
    expect(v!.tubes[0]!.label).toBe(2);
    // class names with underscores are split correctly
    expect(ds.videos.some((x) => x.name.startsWith('swing_baseball/'))).toBe(true);
    expect(new Set(ds.videos.map((x) => x.tubes[0]!.label)).size).toBe(21);
  });

  it('jhmdb_annot.mat loads 928 videos, agreeing with the zip on the shared ones', async () => {
    const mat = await loadDataset(tubekitDataPath('jhmdb-21/jhmdb_annot.mat'));
    expect(mat.videos).toHaveLength(928);
    expect(mat.labels).toEqual(JHMDB_LABELS);
    const byName = new Map(mat.videos.map((v) => [v.name, v]));
    for (const v of zip.videos) {
      const w = byName.get(v.name);
      expect(w?.nframes).toBe(v.nframes);
      expect(w!.tubes[0]!.label).toBe(v.tubes[0]!.label);
    }
  });
});

describe('other published files', () => {
  it('UCF-Sports detection tubes load over 10 classes, and loadDataset refuses them as GT', async () => {
    const path = tubekitDataPath('ucfsports/ucfsports_tubes_test.mat');
    const tubes = ucfSportsTubesFromMat(await readMat(path), path);
    await expect(loadDataset(path)).rejects.toThrow(/detection tubes/);
    expect(new Set(tubes.map((t) => t.video)).size).toBe(47);
    expect(new Set(tubes.map((t) => t.label))).toEqual(new Set(UCF_SPORTS_LABELS.map((_, i) => i)));
    expect(tubes[0]).toMatchObject({ video: 'Diving/1', label: 0, start: 1, id: '0-0' });
    expect(tubes[0]!.score).toBeCloseTo(1.30567481, 7);
    expect(Array.from(tubes[0]!.boxes.subarray(0, 4))).toEqual([368, 72, 487, 404]);
    // the best-scoring class of a video is its true action for most videos (class order check)
    let correct = 0;
    for (const video of new Set(tubes.map((t) => t.video))) {
      const own = tubes.filter((t) => t.video === video);
      const best = own.reduce((a, b) => (b.score > a.score ? b : a));
      if (video.startsWith(`${UCF_SPORTS_LABELS[best.label]}/`)) correct++;
    }
    expect(correct).toBe(40);
  });

  it('the MultiSports ACT pickle loads (1 video, 66 labels)', async () => {
    const ds = await loadDataset(tubekitDataPath('fixtures/multisports/gt.pkl'));
    expect(ds.dataset).toBe('multisports');
    expect(ds.labels).toHaveLength(66);
    expect(ds.videos).toHaveLength(1);
    const v = ds.videos[0]!;
    expect(v).toMatchObject({
      name: 'aerobic_gymnastics/v_crsi07chcV8_c004',
      nframes: 725,
      width: 1280,
      height: 720,
    });
    expect(ds.splits).toEqual({ test: ['aerobic_gymnastics/v_crsi07chcV8_c004'] });
    const t = v.tubes.find((x) => x.label === 10)!;
    expect(t.start).toBe(288);
    expect(Array.from(t.boxes.subarray(0, 4))).toEqual([562, 361, 656, 600]);
  });

  it('names the file for unknown inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-ld-'));
    try {
      const path = join(dir, 'x.txt');
      writeFileSync(path, 'hello');
      await expect(loadDataset(path)).rejects.toThrow(TubekitFormatError);
      await expect(loadDataset(join(dir, 'missing.pkl'))).rejects.toThrow(/missing\.pkl/);
      expect(readdirSync(dir)).toEqual(['x.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
