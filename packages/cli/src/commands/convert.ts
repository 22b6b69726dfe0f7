import {
  loadDataset,
  readMat,
  summarizeDataset,
  UCF_SPORTS_LABELS,
  ucfSportsTubesFromMat,
  writeDatasetJson,
  writeTubeDetectionsCsv,
} from '@tubekit/datasets';
import type { DetectedTube } from '@tubekit/geometry';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { isMatFile } from '../detection-tubes';
import { runAction } from '../run-action';

/** Options of `tubekit convert`. */
export interface ConvertOptions {
  to?: string;
  json?: boolean;
}

/**
 * Published detection tubes (UCF-Sports `ucfsports_tubes_test.mat`) → the canonical tube CSV
 * (with `box_score` and `label_name`), ready for `tubekit eval video` and `tubekit link --trim`.
 */
async function convertDetectionTubes(
  input: string,
  tubes: DetectedTube[],
  to: string,
  json: boolean,
): Promise<void> {
  await writeTubeDetectionsCsv(to, tubes, { labels: [...UCF_SPORTS_LABELS] });
  const videos = new Set(tubes.map((t) => t.video)).size;
  const info = {
    input,
    output: to,
    kind: 'detection-tubes',
    labels: UCF_SPORTS_LABELS.length,
    videos,
    tubes: tubes.length,
  };
  process.stdout.write(
    json
      ? `${JSON.stringify(info)}\n`
      : `wrote ${to}: UCF-Sports detection tubes, ${videos} videos, ${tubes.length} tubes, ${UCF_SPORTS_LABELS.length} labels\n`,
  );
}

/**
 * `tubekit convert <in> --to <out.tubes.json> [--json]`: reads any ground-truth file that
 * `loadDataset` knows (ACT `*-GT.pkl`, UCF101-24 `pyannot*.pkl` / `finalAnnots.mat`, J-HMDB
 * `jhmdb_annot.mat` / zip / folder, `*.tubes.json`) and writes the canonical `*.tubes.json`,
 * atomically (nothing is written when the input is invalid). Published detection tubes (UCF-Sports
 * `ucfsports_tubes_test.mat`) become the canonical tube CSV (`--to tubes.csv`) instead.
 */
export function registerConvertCommand(program: Command): void {
  program
    .command('convert')
    .description(
      'convert a ground-truth file (pickle, MAT, J-HMDB zip/folder, JSON) to canonical *.tubes.json, or UCF-Sports detection tubes (.mat) to a tube CSV',
    )
    .argument('<input>', 'annotation file or J-HMDB ground-truth folder')
    .option(
      '--to <output>',
      'output path, e.g. ucf101-24.tubes.json, or tubes.csv for detection tubes (written atomically)',
    )
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  tubekit convert ../shared/data/ucf101-24/pyannot.pkl --to ucf101-24.tubes.json\n  tubekit convert groundtruths_jhmdb.zip --to jhmdb-test1.tubes.json --json\n  tubekit convert ../shared/data/ucfsports/ucfsports_tubes_test.mat --to ucfsports-tubes.csv',
    )
    .action(
      runAction('convert', async (input: string, options: ConvertOptions) => {
        if (!options.to) throw new CliError('missing --to <output.tubes.json>');
        if (await isMatFile(input)) {
          const mat = await readMat(input);
          if (mat.variables.has('tubes')) {
            if (!options.to.endsWith('.csv'))
              throw new CliError(
                `--to ${options.to}: ${input} holds detection tubes; expected a .csv path (the canonical tube CSV)`,
              );
            const tubes = ucfSportsTubesFromMat(mat, input);
            return convertDetectionTubes(input, tubes, options.to, options.json === true);
          }
        }
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
