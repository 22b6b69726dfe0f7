import { type Distribution, loadDataset, summarizeDataset } from '@tubekit/datasets';
import type { Command } from 'commander';
import { runAction } from '../run-action';

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function row(name: string, d: Distribution): string {
  return `  ${name.padEnd(14)} min ${fmt(d.min)}  p25 ${fmt(d.p25)}  median ${fmt(d.median)}  p75 ${fmt(d.p75)}  max ${fmt(d.max)}  mean ${fmt(d.mean)}`;
}

/**
 * `tubekit inspect <file> [--json]`: loads a ground-truth file (any format `loadDataset` reads)
 * and prints videos, tubes, frames, boxes, split sizes, per-class tube/video counts and the
 * distributions of tube length (frames) and box width/height/√area (pixels).
 */
export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description(
      'summarise a ground-truth file: videos, tubes, frames, per-class counts, tube-length and box-size distributions',
    )
    .argument('<file>', 'annotation file (pickle, MAT, J-HMDB zip/folder, *.tubes.json)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  tubekit inspect ../shared/data/jhmdb-21/groundtruths_jhmdb.zip --json',
    )
    .action(
      runAction('inspect', async (file: string, options: { json?: boolean }) => {
        const s = summarizeDataset(await loadDataset(file));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(s)}\n`);
          return;
        }
        const lines = [
          `${file}: ${s.dataset}`,
          `  videos ${s.videos}, tubes ${s.tubes}, frames ${s.frames}, boxes ${s.boxes}, labels ${s.labels}`,
          `  splits ${
            Object.entries(s.splits)
              .map(([k, n]) => `${k}=${n}`)
              .join(' ') || '(none)'
          }`,
          'tube length (frames) and box size (pixels):',
          row('tube length', s.tubeLength),
          row('box width', s.boxWidth),
          row('box height', s.boxHeight),
          row('box √area', s.boxSqrtArea),
          'per class (tubes / videos):',
          ...s.perClass.map(
            (c, i) =>
              `  ${String(i).padStart(3)} ${c.label.padEnd(30)} ${String(c.tubes).padStart(6)} ${String(c.videos).padStart(6)}`,
          ),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
