import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, exportSynthTubes, type SynthExportSummary } from '@tubekit/datasets';
import { reproduceOnDataset } from './tier3';

describe('reproduceOnDataset (CFAD tier 3: your data, smoke profile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfad-tier3-'));
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

  it('trains the default configuration, evaluates v-mAP and frame-mAP, writes the report', async () => {
    const lines: string[] = [];
    const outDir = join(dir, 'out');
    const r = await reproduceOnDataset({
      dataset: 'synth-export',
      gt: exported.gt,
      root: rgb,
      profile: 'smoke',
      maxTrainVideos: 3,
      maxTestVideos: 1,
      outDir,
      log: (l) => lines.push(l),
    });
    expect(r.reportPath).toBe(join(outDir, 'report.md'));
    expect(r.config).toEqual({
      id: 'k1',
      order: 1,
      diffBlock: true,
      modality: 'rgb',
      selectionSweep: false,
    });
    expect(r.setting).toBe('σ=0.8');
    expect(Object.keys(r.refine)).toEqual(['none', 'σ=0.4', 'σ=0.6', 'σ=0.8']);
    const md = readFileSync(r.reportPath, 'utf8');
    expect(md).toContain('# CFAD on synth-export (tier 3, profile smoke)');
    expect(md).toContain(rgb);
    expect(md).toMatch(/train split \| train: 3 of 16 videos/);
    expect(md).toMatch(/test split \| test: 1 of 8 videos/);
    expect(md).toContain('v-mAP@0.5:0.95');
    expect(md).toContain('published CFAD RGB (UCF101-24)');
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toContain(
      '<h1>CFAD on synth-export (tier 3, profile smoke)</h1>',
    );
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    expect(json.tier).toBe(3);
    expect(json.setup.gt).toBe(exported.gt);
    expect(json.setup.model.order).toBe(1);
    expect(Object.keys(json.results.videoMap)).toEqual(['0.2', '0.3', '0.5', '0.75', '0.5:0.95']);
    for (const v of [json.results.frameMap, ...Object.values(json.results.videoMap)]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(lines.at(-1)).toMatch(/^cfad-bench tier 3: synth-export frame-mAP .* report: /);
  });

  it('names a missing split, a missing frames folder, a bad dataset name and a bad order', async () => {
    const base = {
      dataset: 'x',
      gt: exported.gt,
      root: rgb,
      profile: 'smoke' as const,
      outDir: join(dir, 'err'),
      log: () => {},
    };
    await expect(reproduceOnDataset({ ...base, splits: { train: 'train1' } })).rejects.toThrow(
      `${exported.gt}: no split "train1"; the annotation has "train" (16 videos), "test" (8 videos)`,
    );
    await expect(reproduceOnDataset({ ...base, root: join(dir, 'no-frames') })).rejects.toThrow(
      /frames root .*no-frames is not a folder/,
    );
    await expect(reproduceOnDataset({ ...base, dataset: 'my data' })).rejects.toThrow(
      'dataset name "my data" must be letters',
    );
    await expect(reproduceOnDataset({ ...base, order: 0 })).rejects.toThrow(
      'order must be an integer ≥ 1, got 0',
    );
    // the first test video's folder is gone: the error names it
    const victim: string = JSON.parse(readFileSync(exported.gt, 'utf8')).splits.test[0];
    renameSync(join(rgb, victim), join(dir, 'moved'));
    try {
      await expect(reproduceOnDataset({ ...base, maxTestVideos: 1 })).rejects.toThrow(
        `not found under ${rgb}: ${victim}`,
      );
    } finally {
      renameSync(join(dir, 'moved'), join(rgb, victim));
    }
  });
});
