import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSynthTubes, exportSynthTubes, type SynthExportSummary } from '@tubekit/datasets';
import { reproduceOnDataset } from './tier3';

describe('reproduceOnDataset (PCSC tier 3: your data, smoke profile)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcsc-tier3-'));
  let exported: SynthExportSummary;
  let rgb: string;
  let flow: string;
  beforeAll(async () => {
    // SynthTubes written to disk the way user data comes: annotations, per-video JPEG folders
    // under rgb/ and flow PNGs under the sibling flow/.
    exported = await exportSynthTubes(createSynthTubes({ preset: 'smoke', seed: 3 }), dir);
    rgb = exported.roots.rgb as string;
    flow = exported.roots.flow as string;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const small = { profile: 'smoke' as const, maxTrainVideos: 2, maxTestVideos: 1 };

  it('finds the flow folder beside the frames, trains both streams and writes the report', async () => {
    const lines: string[] = [];
    const outDir = join(dir, 'out');
    const r = await reproduceOnDataset({
      dataset: 'synth-export',
      gt: exported.gt,
      root: rgb,
      ...small,
      outDir,
      log: (l) => lines.push(l),
    });
    expect(r.streams).toBe('rgb+flow');
    expect(r.flow.root).toBe(flow);
    expect(lines).toContain(`pcsc-bench tier 3: two streams: RGB from ${rgb}, flow from ${flow}`);
    const md = readFileSync(r.reportPath, 'utf8');
    expect(md).toContain('# PCSC on synth-export (tier 3, profile smoke, RGB + flow)');
    expect(md).toContain(`| flow | \`${flow}\` (3 image folders, 0 video files) |`);
    expect(md).toMatch(/train split \| train: 2 of 16 videos/);
    expect(md).toContain('published PCSC + TR (UCF101-24)');
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    expect(json.tier).toBe(3);
    expect(json.setup.streams).toBe('rgb+flow');
    // stages 0…2 of the smoke profile; PCSC without and with TR (both cuts)
    expect(json.results.frameMapByStage).toHaveLength(3);
    expect(Object.keys(json.results.videoMap).sort()).toEqual([
      'pcsc',
      'pcsc+tr-ends',
      'pcsc+tr-split',
    ]);
    expect(Object.keys(json.results.videoMap.pcsc)).toEqual(['0.2', '0.5', '0.75', '0.5:0.95']);
    for (const v of [
      ...json.results.frameMapByStage,
      ...Object.values(json.results.frameMap),
      ...Object.values(json.results.videoMap.pcsc),
    ]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(lines.at(-1)).toMatch(
      /^pcsc-bench tier 3: synth-export \(RGB \+ flow\) frame-mAP .* report: /,
    );
  });

  it('says RGB only, in the log, the report and its JSON, when no flow images exist', async () => {
    const lines: string[] = [];
    renameSync(flow, join(dir, 'hidden-flow'));
    try {
      const r = await reproduceOnDataset({
        dataset: 'synth-export',
        gt: exported.gt,
        root: rgb,
        ...small,
        temporalRefinement: false,
        outDir: join(dir, 'out-rgb'),
        log: (l) => lines.push(l),
      });
      expect(r.streams).toBe('rgb');
      expect(r.flow.root).toBeUndefined();
      expect(r.flow.looked).toContain(flow);
      expect(lines.find((l) => l.includes('RGB only'))).toContain(
        `pcsc-bench tier 3: RGB only: no flow images (looked for ${flow}, `,
      );
      const md = readFileSync(r.reportPath, 'utf8');
      expect(md).toContain('# PCSC on synth-export (tier 3, profile smoke, RGB only)');
      expect(md).toContain('| flow | none — RGB only (looked for');
      expect(JSON.parse(readFileSync(r.jsonPath, 'utf8')).setup.streams).toBe('rgb');
      expect(Object.keys(r.videoMap)).toEqual(['pcsc']);
      expect(lines.at(-1)).toMatch(/^pcsc-bench tier 3: synth-export \(RGB only\) frame-mAP /);
    } finally {
      renameSync(join(dir, 'hidden-flow'), flow);
    }
  });

  it('names a missing split, frames folder, flow root or flow video, and a bad dataset name', async () => {
    const base = {
      dataset: 'x',
      gt: exported.gt,
      root: rgb,
      ...small,
      outDir: join(dir, 'err'),
      log: () => {},
    };
    await expect(reproduceOnDataset({ ...base, splits: { test: 'test1' } })).rejects.toThrow(
      `${exported.gt}: no split "test1"; the annotation has "train" (16 videos), "test" (8 videos)`,
    );
    await expect(reproduceOnDataset({ ...base, root: join(dir, 'no-frames') })).rejects.toThrow(
      /frames root .*no-frames is not a folder/,
    );
    await expect(reproduceOnDataset({ ...base, dataset: '../up' })).rejects.toThrow(
      'dataset name "../up" must be letters',
    );
    await expect(
      reproduceOnDataset({ ...base, flowRoot: join(dir, 'brox-images') }),
    ).rejects.toThrow(`flow root ${join(dir, 'brox-images')} is not a folder (--flow-root:`);
    // a flow folder that lacks a video used is an error naming it, not a silent RGB-only run
    const victim: string = JSON.parse(readFileSync(exported.gt, 'utf8')).splits.test[0];
    renameSync(join(flow, victim), join(dir, 'moved'));
    try {
      await expect(reproduceOnDataset(base)).rejects.toThrow(
        `frames of 1 of 3 videos not found under ${flow}: ${victim}`,
      );
    } finally {
      renameSync(join(dir, 'moved'), join(flow, victim));
    }
  });
});
