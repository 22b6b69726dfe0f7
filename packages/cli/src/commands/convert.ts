import { loadDataset, summarizeDataset, writeDatasetJson } from '@tubekit/datasets';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { runAction } from '../run-action';

/** Options of `tubekit convert`. */
export interface ConvertOptions {
  to?: string;
  json?: boolean;
}

/**
 * `tubekit convert <in> --to <out.tubes.json> [--json]`: reads any ground-truth file that
 * `loadDataset` knows (ACT `*-GT.pkl`, UCF101-24 `pyannot*.pkl` / `finalAnnots.mat`, J-HMDB
 * `jhmdb_annot.mat` / zip / folder, `*.tubes.json`) and writes the canonical `*.tubes.json`,
 * atomically (nothing is written when the input is invalid).
 */
export function registerConvertCommand(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a ground-truth file (pickle, MAT, J-HMDB zip/folder, JSON) to canonical *.tubes.json',
    )
    .argument('<input>', 'annotation file or J-HMDB ground-truth folder')
    .option('--to <output>', 'output path, e.g. ucf101-24.tubes.json (written atomically)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  tubekit convert ../shared/data/ucf101-24/pyannot.pkl --to ucf101-24.tubes.json\n  tubekit convert groundtruths_jhmdb.zip --to jhmdb-test1.tubes.json --json',
    )
    .action(
      runAction('convert', async (input: string, options: ConvertOptions) => {
        if (!options.to) throw new CliError('missing --to <output.tubes.json>');
        if (!options.to.endsWith('.json'))
          throw new CliError(`--to ${options.to}: expected a .tubes.json path`);
        const dataset = await loadDataset(input);
        await writeDatasetJson(options.to, dataset);
        const s = summarizeDataset(dataset);
        const info = {
          input,
          output: options.to,
          dataset: s.dataset,
          labels: s.labels,
          videos: s.videos,
          tubes: s.tubes,
          splits: s.splits,
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(info)}\n`
            : `wrote ${options.to}: ${s.dataset}, ${s.videos} videos, ${s.tubes} tubes, ${s.labels} labels${
                Object.keys(s.splits).length
                  ? `, splits ${Object.entries(s.splits)
                      .map(([k, n]) => `${k}=${n}`)
                      .join(' ')}`
                  : ''
              }\n`,
        );
      }),
    );
}
