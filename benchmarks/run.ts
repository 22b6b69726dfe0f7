/**
 * `pnpm bench [package…] [--filter <substring>] [--out <file>]`
 *
 * Runs every `packages/<pkg>/bench/*.bench.ts` and `apps/<app>/bench/*.bench.ts` one at a time
 * (never in parallel: they share two cores), prints a table and writes machine-readable JSON with
 * the machine's CPU model to `benchmarks/results/latest.json` (and a timestamped copy).
 */
import { existsSync, readdirSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '@tubekit/report';
import { Bench } from 'tinybench';
import type { BenchSuite, MeasureCase, MicroCase } from './src/suite';

interface CaseResult {
  suite: string;
  file: string;
  case: string;
  kind: 'micro' | 'measure';
  opsPerSecond?: number;
  meanMs?: number;
  p99Ms?: number;
  samples?: number;
  unitsPerSecond?: number;
  unit?: string;
  values?: Record<string, number | string>;
  targets?: { what: string; goal: string; value: number; met: boolean }[];
  error?: string;
}

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const filter = option('--filter');
const outFile = option('--out');
const only = new Set(args);

function benchFiles(): string[] {
  const files: string[] = [];
  for (const area of ['packages', 'apps']) {
    const areaDir = join(root, area);
    if (!existsSync(areaDir)) continue;
    for (const pkg of readdirSync(areaDir).sort()) {
      if (only.size > 0 && !only.has(pkg)) continue;
      const dir = join(areaDir, pkg, 'bench');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort())
        if (f.endsWith('.bench.ts')) files.push(join(dir, f));
    }
  }
  return files;
}

async function runMicro(suite: string, file: string, c: MicroCase): Promise<CaseResult> {
  const bench = new Bench({ time: c.timeMs ?? 500, warmupTime: 100, iterations: 5 });
  bench.add(c.name, c.fn);
  await bench.run();
  const task = bench.tasks[0]!;
  const r = task.result;
  if (r.state === 'errored')
    return { suite, file, case: c.name, kind: 'micro', error: r.error.message };
  if (r.state !== 'completed')
    return { suite, file, case: c.name, kind: 'micro', error: `task ${r.state}` };
  const meanMs = r.latency.mean;
  const opsPerSecond = 1000 / meanMs;
  const result: CaseResult = {
    suite,
    file,
    case: c.name,
    kind: 'micro',
    opsPerSecond,
    meanMs,
    p99Ms: r.latency.p99,
    samples: r.latency.samplesCount,
  };
  if (c.units) {
    result.unitsPerSecond = opsPerSecond * c.units.perCall;
    result.unit = c.units.name;
  }
  if (c.target) {
    result.targets = [];
    if (c.target.atLeastPerSecond !== undefined) {
      const value = result.unitsPerSecond ?? opsPerSecond;
      const what = `${result.unit ?? 'calls'}/s`;
      result.targets.push({
        what,
        goal: `>= ${c.target.atLeastPerSecond}`,
        value,
        met: value >= c.target.atLeastPerSecond,
      });
    }
    if (c.target.atMostMs !== undefined) {
      result.targets.push({
        what: 'ms/call',
        goal: `<= ${c.target.atMostMs}`,
        value: meanMs,
        met: meanMs <= c.target.atMostMs,
      });
    }
  }
  return result;
}

async function runMeasure(suite: string, file: string, c: MeasureCase): Promise<CaseResult> {
  try {
    const values = await c.run();
    const targets = Object.entries(c.targets ?? {}).map(([what, goal]) => {
      const value = Number(values[what]);
      const met =
        Number.isFinite(value) &&
        (goal.atLeast === undefined || value >= goal.atLeast) &&
        (goal.atMost === undefined || value <= goal.atMost);
      const text = [
        goal.atLeast !== undefined ? `>= ${goal.atLeast}` : '',
        goal.atMost !== undefined ? `<= ${goal.atMost}` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      return { what, goal: text, value, met };
    });
    return { suite, file, case: c.name, kind: 'measure', values, targets };
  } catch (error) {
    return {
      suite,
      file,
      case: c.name,
      kind: 'measure',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

function format(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(2)}k`;
  return a >= 10 ? n.toFixed(1) : n.toPrecision(3);
}

async function main(): Promise<void> {
  const files = benchFiles();
  if (files.length === 0) {
    console.error('pnpm bench: no bench/*.bench.ts files matched');
    process.exitCode = 1;
    return;
  }
  const results: CaseResult[] = [];
  for (const file of files) {
    const rel = relative(root, file);
    const suite = (await import(pathToFileURL(file).href)).default as BenchSuite;
    console.log(`\n${suite.name}  (${rel})`);
    for (const c of suite.cases) {
      if (filter && !`${suite.name} ${c.name}`.includes(filter)) continue;
      const r =
        c.kind === 'micro'
          ? await runMicro(suite.name, rel, c)
          : await runMeasure(suite.name, rel, c);
      results.push(r);
      if (r.error) {
        console.log(`  ✗ ${c.name}: ${r.error}`);
        continue;
      }
      const main =
        r.kind === 'micro'
          ? `${format(r.unitsPerSecond ?? r.opsPerSecond!)} ${r.unit ?? 'calls'}/s  (${format(r.meanMs!)} ms/call)`
          : Object.entries(r.values!)
              .map(([k, v]) => `${k}=${typeof v === 'number' ? format(v) : v}`)
              .join('  ');
      const goals = (r.targets ?? [])
        .map((t) => `${t.met ? '✓' : '✗'} ${t.what} ${t.goal}`)
        .join('  ');
      console.log(`  ${c.name}: ${main}${goals ? `  [${goals}]` : ''}`);
    }
  }
  const cpu = cpus();
  const report = {
    format: 'tubekit-bench',
    version: 1,
    date: new Date().toISOString(),
    machine: {
      cpuModel: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      totalMemoryMiB: Math.round(totalmem() / 2 ** 20),
      freeMemoryMiB: Math.round(freemem() / 2 ** 20),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    results,
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const target = outFile ? resolve(outFile) : join(root, 'benchmarks/results/latest.json');
  await writeFileAtomic(target, json);
  if (!outFile)
    await writeFileAtomic(
      join(root, `benchmarks/results/bench-${report.date.replace(/[:.]/g, '-')}.json`),
      json,
    );
  const missed = results.filter((r) => r.error || r.targets?.some((t) => !t.met)).length;
  console.log(
    `\n${results.length} cases, ${missed} with errors or missed targets; results in ${relative(process.cwd(), target)}`,
  );
}

await main();
