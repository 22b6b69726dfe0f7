import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobContext } from '@tubekit/queue';
import type { PcscModelJobResult } from './jobs';
import { jobKind as mapsJob } from './maps-job';
import { jobKind as modelJob } from './model-job';
import { readModelResults } from './model-results';
import { reproduce } from './reproduce';
import { type ModelResults, seedResultsOf } from './run-seed';
import type { PcscModel } from './train-detector';

describe('pcsc-bench smoke profile', () => {
  const out = mkdtempSync(join(tmpdir(), 'pcsc-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs end to end and writes the report (Markdown, HTML, JSON)', async () => {
    const lines: string[] = [];
    const outDir = join(out, 'pcsc');
    const stepOutDir = join(out, 'step');
    const r = await reproduce({
      profile: 'smoke',
      outDir,
      stepOutDir,
      log: (l) => lines.push(l),
    });
    expect(lines).toContain('pcsc-bench: training 3 of 3 models');
    const md = readFileSync(r.reportPath, 'utf8');
    expect(md).toContain('Table 5');
    expect(md).toContain('Table 6');
    expect(md).toContain('Proposal recall per stage');
    expect(md).toContain(
      'PCSC, boxes rescored along their linked tubes (ours, ±8 frames; not in the paper)',
    );
    expect(md).toMatch(/convolutions onnxruntime \(onnxruntime-node [\d.]+, 1 thread\)/);
    expect(readFileSync(r.htmlPath, 'utf8')).toContain('<html');
    const json = JSON.parse(readFileSync(r.jsonPath, 'utf8'));
    const seed = json.seeds[0];
    // stages 0…2 of both Table 5 rows, Table 6 rows untrimmed and trimmed, recall per head pass
    expect(seed.table5.pcsc).toHaveLength(3);
    expect(seed.table5['pcsc-no-fc']).toHaveLength(3);
    expect(Object.keys(seed.frameAlongTubes).sort()).toEqual(['fpn', 'pcsc', 'pcsc-no-fc']);
    expect(Object.keys(seed.frameAlongTubes.pcsc!)).toEqual(Object.keys(seed.frame.pcsc));
    // frame-AP@0.5 by class of every model, each in [0, 100]
    expect(Object.keys(seed.frameByClass).sort()).toEqual(['fpn', 'pcsc', 'pcsc-no-fc']);
    expect(Object.keys(seed.frameByClass.pcsc)).toEqual([
      'walk',
      'run',
      'wave',
      'clap',
      'hop',
      'jump',
      'circle-forward',
      'circle-backward',
    ]);
    for (const ap of Object.values(seed.frameByClass.pcsc) as (number | null)[])
      if (ap !== null) expect(ap >= 0 && ap <= 100).toBe(true);
    // the smoke preset has no order classes: the table has no row without them
    expect(md).toContain('Frame-AP@0.5 by class (final stage)');
    expect(md).not.toContain('classes that are not order classes');
    expect(Object.keys(seed.video).sort()).toEqual([
      'fpn',
      'pcsc',
      'pcsc+tr-ends',
      'pcsc+tr-split',
      'pcsc-no-fc',
    ]);
    expect(Object.keys(seed.trimmed).sort()).toEqual([
      'fpn',
      'pcsc',
      'pcsc+tr-ends',
      'pcsc+tr-split',
    ]);
    expect(Object.keys(seed.recall.pcsc.plain)).toEqual(['0/rgb', '0/flow', '1/rgb', '2/flow']);
    expect(json.info.fps).toHaveLength(3);
    // tier 2 runs on the shared annotations when present (else says why: set TUBEKIT_DATA)
    expect(Object.keys(json.info.tier2)).toEqual(['UCF101-24', 'J-HMDB-21']);
    expect(md).toContain('Tier 2');
    // one seed: every claim is undecided under the seeds rule
    expect(r.claims.every((c) => c.status === 'undecided')).toBe(true);
    // both streams' trunks are step-bench's, pretrained into its cache once for every seed
    const trunkDir = join(stepOutDir, 'cache', 'smoke', 'seed-1');
    const trunkFile = (stream: string) =>
      join(
        trunkDir,
        readdirSync(trunkDir).find(
          (f) => f.startsWith(`trunk-${stream}.`) && f.endsWith('.safetensors'),
        ) as string,
      );
    expect(existsSync(trunkFile('rgb')) && existsSync(trunkFile('flow'))).toBe(true);
    // a pool's pcsc-training-maps jobs (run here) store the training maps in two parts; a
    // worker's pcsc-model job (run here) reads them and writes the cache file this run made,
    // with the same numbers; a rerun makes the same seed results from the cache
    const trunks = { rgb: trunkFile('rgb'), flow: trunkFile('flow') };
    const context = (log: (l: string) => void) => ({ log }) as Partial<JobContext> as JobContext;
    const maps = [0, 1].map((part) => join(outDir, 'cache', 'smoke', `maps-${part}.safetensors`));
    for (const [part, path] of maps.entries()) {
      const stored = (await mapsJob.run(
        { profile: 'smoke', part, parts: 2, trunks, path, convolutions: 'onnxruntime' },
        context(() => {}),
      )) as { path: string; videos: number };
      expect(stored).toEqual({ path, videos: 3 }); // smoke: 2 training videos of 3 variants
    }
    const seedDir = join(outDir, 'cache', 'smoke', 'seed-1');
    const fpn = readdirSync(seedDir).find((f) => f.startsWith('fpn.')) as string;
    rmSync(join(seedDir, fpn));
    const jobLines: string[] = [];
    const job = (await modelJob.run(
      {
        profile: 'smoke',
        model: 'fpn',
        seed: 1,
        trunks,
        outDir,
        convolutions: 'onnxruntime',
        maps,
      },
      context((l) => jobLines.push(l)),
    )) as PcscModelJobResult;
    expect(job.results.model).toBe('fpn');
    expect(existsSync(join(seedDir, fpn))).toBe(true);
    expect(job.line).toMatch(/^fpn seed 1: frame-mAP@0\.5 \d+\.\d, video-mAP@0\.5 \d+\.\d$/);
    expect(jobLines.some((l) => l.startsWith('pcsc-bench: seed 1 fpn trained'))).toBe(true);
    const byModel = Object.fromEntries(
      readdirSync(seedDir).map((f) => {
        const m = readModelResults(join(seedDir, f), () => {}) as ModelResults;
        return [m.model, m];
      }),
    ) as Record<PcscModel, ModelResults>;
    expect(Object.keys(byModel).sort()).toEqual(['fpn', 'pcsc', 'pcsc-no-fc']);
    expect(seedResultsOf(1, byModel)).toEqual(r.seeds[0]);
  });
});
