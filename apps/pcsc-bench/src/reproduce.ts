import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend } from '@tubekit/nn';
import { type ClaimResult, writeReport } from '@tubekit/report';
import { type Convolutions, selectConvolutions } from '@tubekit/step-bench/convolutions';
import { loadBenchData } from './bench-data';
import { type PcscProfileName, PROFILES } from './profiles';
import { pcscClaims, pcscReport } from './report';
import { runSeed, type SeedResults } from './run-seed';
import { tier2Trimmers } from './tier2-trimmers';
import { fpsByStages } from './timing';
import { pretrainedTrunk } from './trunks';

/** Options of {@link reproduce} (the shape `scripts/reproduce.ts` passes to every bench app). */
export interface ReproduceOptions {
  /** Benchmark profile (default `quick`). */
  profile?: PcscProfileName;
  /** Output folder (default `results/pcsc` under the current directory). */
  outDir?: string;
  /** Accepted for the common interface; this bench trains in one process. */
  workers?: number;
  /**
   * Where the trunk's convolutions run (default `wasm`; step-bench's `CONVOLUTIONS`): recorded in
   * the report; `onnxruntime` runs cache their trunks and models apart (`convolutionsCacheKey`).
   */
  convolutions?: Convolutions;
  /** Progress and summary lines (default stderr). */
  log?: (line: string) => void;
  /** Accepted for the common interface; Ctrl-C stops the run (the trunks cache keeps). */
  exitOnInterrupt?: boolean;
}

/** What {@link reproduce} wrote and found. */
export interface ReproduceResult {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
  seeds: SeedResults[];
  claims: ClaimResult[];
  wallSeconds: number;
}

/**
 * `pnpm reproduce --paper pcsc`: renders the SynthTubes bench videos, pretrains (or loads the
 * cached) RGB and flow trunks per seed, trains Faster R-CNN + FPN, PCSC without and with feature
 * cooperation on the same key frames, trains the actionness classifiers, evaluates Tables 1–6 and
 * proposal recall per stage, times detection per stage count, and writes `report.md`,
 * `report.html`, `report.json` (atomically) into `outDir`.
 */
export async function reproduce(options: ReproduceOptions = {}): Promise<ReproduceResult> {
  const profile = PROFILES[options.profile ?? 'quick'];
  const outDir = resolve(options.outDir ?? join('results', 'pcsc'));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = Date.now();
  await initBackend({ log: () => undefined });
  const convolutions = await selectConvolutions(options.convolutions);
  await mkdir(outDir, { recursive: true });
  log(`pcsc-bench: profile ${profile.name}, rendering SynthTubes videos`);
  const data = await loadBenchData(profile);
  const cacheDir = join(outDir, 'cache', profile.name);
  const seeds: SeedResults[] = [];
  for (const seed of profile.seeds) seeds.push(await runSeed(profile, data, seed, cacheDir, log));
  const trunks = {
    rgb: await pretrainedTrunk(
      profile,
      'rgb',
      profile.seeds[0]!,
      data.train,
      data.labels.length,
      cacheDir,
      log,
    ),
    flow: await pretrainedTrunk(
      profile,
      'flow',
      profile.seeds[0]!,
      data.train,
      data.labels.length,
      cacheDir,
      log,
    ),
  };
  const fps = fpsByStages(profile, trunks, data.test[0]!, data.labels.length);
  trunks.rgb.dispose();
  trunks.flow.dispose();
  const tier2 = await tier2Trimmers(profile.tier2Videos, profile.seeds[0]!, log);
  const claims = pcscClaims(seeds);
  const wallSeconds = (Date.now() - started) / 1000;
  const count = (videos: typeof data.train, every: number) =>
    videos.reduce(
      (s, v) =>
        s + Math.ceil(v.annotation.tubes.reduce((a, t) => a + t.boxes.length / 4, 0) / every),
      0,
    );
  const info = {
    wallSeconds,
    convolutions,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    trainFrames: count(data.train, profile.trainEvery),
    testFrames: data.test.reduce((s, v) => s + v.annotation.nframes, 0),
    fps,
    tier2,
  };
  const doc = pcscReport(profile, seeds, claims, info);
  const { reportPath, htmlPath, jsonPath } = await writeReport(outDir, doc, {
    profile,
    info,
    seeds,
    claims,
  });
  log(`pcsc-bench: wrote ${reportPath} (${(wallSeconds / 60).toFixed(1)} min)`);
  return { reportPath, htmlPath, jsonPath, seeds, claims, wallSeconds };
}
