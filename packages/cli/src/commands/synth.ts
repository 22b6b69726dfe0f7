import { readFile } from 'node:fs/promises';
import {
  checkSynthOptions,
  createSynthTubes,
  errorLine,
  exportSynthTubes,
  type FrameImageFormat,
  type FrameModality,
  type SynthPreset,
  type SynthTubesConfig,
} from '@tubekit/datasets';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { runAction } from '../run-action';

const PRESETS: readonly SynthPreset[] = ['smoke', 'quick', 'full'];

interface SynthOptions {
  preset: string;
  seed: string;
  config?: string;
  out?: string;
  modality: string;
  rgbFormat: string;
  flowFormat: string;
  limit?: string;
  json?: boolean;
}

function parseInteger(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new CliError(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

function parseFormat(value: string, flag: string): FrameImageFormat {
  const v = value === 'jpg' ? 'jpeg' : value;
  if (v !== 'jpeg' && v !== 'png')
    throw new CliError(`${flag} must be jpeg or png, got "${value}"`);
  return v;
}

/** Parses `--modality rgb,flow`. */
export function parseModalities(value: string): FrameModality[] {
  const list = value.split(',').map((s) => s.trim());
  for (const m of list)
    if (m !== 'rgb' && m !== 'flow')
      throw new CliError(`--modality must list rgb and/or flow, got "${m}"`);
  return [...new Set(list)] as FrameModality[];
}

/** The SynthTubes config named by `--preset`/`--seed` or read from `--config`. */
export async function synthConfigFromOptions(options: {
  preset: string;
  seed: string;
  config?: string;
}): Promise<SynthTubesConfig | { preset: SynthPreset; seed: number }> {
  if (options.config) {
    let text: string;
    try {
      text = await readFile(options.config, 'utf8');
    } catch (error) {
      throw new CliError(
        `cannot read --config ${options.config}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new CliError(`${options.config}: not valid JSON: ${errorLine(error)}`);
    }
    try {
      checkSynthOptions(parsed);
    } catch (error) {
      throw new CliError(`${options.config}: ${errorLine(error)}`);
    }
    return parsed as SynthTubesConfig;
  }
  if (!PRESETS.includes(options.preset as SynthPreset))
    throw new CliError(`--preset must be one of ${PRESETS.join(', ')}, got "${options.preset}"`);
  return { preset: options.preset as SynthPreset, seed: parseInteger(options.seed, '--seed', 0) };
}

/** `tubekit synth --preset quick --out <dir>`: writes SynthTubes frames, flow and GT to disk. */
export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description(
      'generate the SynthTubes dataset: RGB frames, exact optical flow (3-channel images) and GT tubes (*.tubes.json)',
    )
    .option('--preset <name>', `dataset size: ${PRESETS.join(' | ')}`, 'quick')
    .option('--seed <n>', 'random seed (same seed → byte-identical data)', '0')
    .option(
      '--config <file>',
      'a full SynthTubesConfig JSON (e.g. a written <name>.config.json) instead of --preset',
    )
    .option('--out <dir>', 'output folder (rgb/, flow/, <name>.tubes.json, <name>.config.json)')
    .option('--modality <list>', 'streams to write: rgb,flow | rgb | flow', 'rgb,flow')
    .option('--rgb-format <fmt>', 'RGB frame format: jpeg | png', 'jpeg')
    .option('--flow-format <fmt>', 'flow image format: png | jpeg', 'png')
    .option('--limit <n>', 'write frames of only the first n videos of each split (GT lists all)')
    .option('--json', 'machine-readable summary on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  tubekit synth --preset smoke --out out/synth-smoke\n  tubekit synth --preset quick --seed 3 --out data/synth --modality rgb --rgb-format png\n\nLayout: <out>/rgb/<class>/<video>/00001.jpg, <out>/flow/<class>/<video>/00001.png (channels: u, v, |flow|;\n0.5 = no motion, ±flowBound px/frame = 0/1), <out>/<name>.tubes.json (canonical GT), <out>/<name>.config.json.',
    )
    .action(
      runAction('synth', async (options: SynthOptions) => {
        if (!options.out) throw new CliError('--out <dir> is required');
        const modalities = parseModalities(options.modality);
        const rgbFormat = parseFormat(options.rgbFormat, '--rgb-format');
        const flowFormat = parseFormat(options.flowFormat, '--flow-format');
        const limit =
          options.limit === undefined ? undefined : parseInteger(options.limit, '--limit', 0);
        const started = performance.now();
        const synth = createSynthTubes(await synthConfigFromOptions(options));
        const summary = await exportSynthTubes(synth, options.out, {
          modalities,
          rgbFormat,
          flowFormat,
          limit,
          onProgress: options.json
            ? undefined
            : (done, total) => {
                if (process.stderr.isTTY) process.stderr.write(`\rsynth: ${done}/${total} videos`);
              },
        });
        if (!options.json && process.stderr.isTTY) process.stderr.write('\n');
        const seconds = (performance.now() - started) / 1000;
        const result = {
          dataset: synth.config.name,
          seed: synth.config.seed,
          ...summary,
          labels: synth.dataset.labels,
          splits: Object.fromEntries(
            Object.entries(synth.dataset.splits).map(([k, v]) => [k, v.length]),
          ),
          seconds: Math.round(seconds * 100) / 100,
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(result)}\n`
            : `wrote ${summary.frames} frames of ${summary.videos} videos (${modalities.join(' + ')}) and ${summary.gt} in ${result.seconds} s\n`,
        );
      }),
    );
}
