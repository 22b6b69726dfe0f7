import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, exportSynthTubes, type SynthExportSummary } from '@tubekit/datasets';
import { reproduceOnDataset, type Tier3Model } from './tier3';

describe('reproduceOnDataset (tier 3: your data, smoke profile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-tier3-'));
  let exported: SynthExportSummary;
  let rgb: string;
  beforeAll(async () => {
    // SynthTubes written to disk the way user data comes: annotations + per-video JPEG folders.
    exported = await exportSynthTubes(createSynthTubes({ preset: 'smoke', seed: 3 }), dir, {
      modalities: ['rgb'],
    });
    rgb = exported.roots.rgb as string;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains, detects, links, evaluates and writes report.md, report.html and report.json', async () => {
    const lines: string[] = [];
    const outDir = join(dir, 'out');
    const r = await reproduceOnDataset({
      dataset: 'synth-export',
      gt: exported.gt,
      root: rgb,
      profile: 'smoke',
      model: 'smax3',
      maxTestVideos: 1, // keeps the test short; the smoke profile's limit is 2
      outDir,
      log: (l) => lines.push(l),
    });
    expect(r.reportPath).toBe(join(outDir, 'report.md'));
    const md = readFileSync(r.reportPath, 'utf8');
    expect(md).toContain('# STEP on synth-export (tier 3, profile smoke)');
    expect(md).toContain(rgb);
    expect(md).toMatch(/train split \| train: 6 of 16 videos/);
    expect(md).toMatch(/test split \| test: 1 of 8 videos/);
    const html = readFileSync(join(outDir, 'report.html'), 'utf8');
    expect(html).toContain('<h1>STEP on synth-export (tier 3, profile smoke)</h1>');
    expect(html).toContain('<td>test: 1 of 8 videos</td>');
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    expect(json.tier).toBe(3);
    expect(json.setup.gt).toBe(exported.gt);
    expect(json.setup.seed).toBe(1);
    expect(json.setup.frames.imageFolders).toBe(7);
    expect(json.results.frameMapByStep).toHaveLength(3);
    expect(Object.keys(json.results.videoMap)).toEqual(['0.05', '0.1', '0.2', '0.5']);
    for (const v of [...json.results.frameMapByStep, ...Object.values(json.results.videoMap)]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(json.results.fps).toBeGreaterThan(0);
    expect(json.results.train.iterations).toBe(3);
    expect(lines.at(-1)).toMatch(/^step-bench tier 3: synth-export frame-mAP .* report: /);
    expect(lines.at(-1)).toContain(r.reportPath);
  });

  it('names a missing annotation file, a missing split and a missing frames folder', async () => {
    const base = {
      dataset: 'x',
      profile: 'smoke' as const,
      outDir: join(dir, 'err'),
      log: () => {},
    };
    await expect(
      reproduceOnDataset({ ...base, gt: join(dir, 'nope.pkl'), root: rgb }),
    ).rejects.toThrow(/annotation file .*nope\.pkl not found/);
    await expect(
      reproduceOnDataset({ ...base, gt: exported.gt, root: join(dir, 'no-frames') }),
    ).rejects.toThrow(/frames root .*no-frames is not a folder/);
    await expect(
      reproduceOnDataset({ ...base, gt: exported.gt, root: rgb, splits: { test: 'test1' } }),
    ).rejects.toThrow(
      /no split "test1"; the annotation has "train" \(16 videos\), "test" \(8 videos\)/,
    );
    await expect(
      reproduceOnDataset({ ...base, gt: exported.gt, root: rgb, maxTrainVideos: 0 }),
    ).rejects.toThrow('maxTrainVideos must be an integer ≥ 1, got 0');
    await expect(
      reproduceOnDataset({ ...base, dataset: '../up', gt: exported.gt, root: rgb }),
    ).rejects.toThrow(/dataset name "..\/up" must be letters/);
    await expect(
      reproduceOnDataset({ ...base, gt: exported.gt, root: rgb, model: 'k30' as Tier3Model }),
    ).rejects.toThrow('unknown model "k30"; expected smax3 or anticipation');
    // One test video's folder is gone: the error names it and the layouts looked for.
    const json = JSON.parse(readFileSync(exported.gt, 'utf8'));
    const victim: string = json.splits.test[0];
    renameSync(join(rgb, victim), join(dir, 'moved'));
    try {
      const error = await reproduceOnDataset({ ...base, gt: exported.gt, root: rgb }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toContain(`frames of 1 of 8 videos not found under ${rgb}: ${victim}`);
      expect(error?.message).toContain(`no folder ${join(rgb, victim)}/`);
      expect(error?.message).toMatch(/per-video image folders .* or video files/);
    } finally {
      renameSync(join(dir, 'moved'), join(rgb, victim));
    }
  });
});
