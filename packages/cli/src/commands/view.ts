import { spawn } from 'node:child_process';
import type { SynthPreset } from '@tubekit/datasets';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { type CliIO, processIO, runAction } from '../run-action';
import { VIEW_PROTOCOLS, ViewData } from '../view/view-data';
import { startViewServer, type ViewServer } from '../view/view-server';

/** Options of `tubekit view` as commander parses them. */
export interface ViewCommandOptions {
  gt?: string;
  det?: string;
  frames?: string;
  pattern?: string;
  ffmpeg?: string;
  proposals?: string;
  video?: string;
  preset: string;
  seed: string;
  protocol: string;
  iou: string;
  port: string;
  open: boolean;
  json?: boolean;
}

const PRESETS = ['smoke', 'quick', 'full'];

/** Opens `url` in the desktop's browser; failures only print a note (the URL is printed anyway). */
function openBrowser(url: string, io: CliIO): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () =>
      io.stderr(`tubekit view: note: could not run ${command}; open ${url}\n`),
    );
    child.unref();
  } catch {
    io.stderr(`tubekit view: note: could not run ${command}; open ${url}\n`);
  }
}

/**
 * Loads what `tubekit view` shows and starts its server (without waiting for Ctrl-C): the
 * testable body of the command. Prints the URL (or `{"url", …}` with `--json`).
 */
export async function startView(
  options: ViewCommandOptions,
  io: CliIO = processIO,
): Promise<ViewServer> {
  if (!PRESETS.includes(options.preset))
    throw new CliError(`--preset must be one of ${PRESETS.join(', ')}, got "${options.preset}"`);
  const seed = Number(options.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new CliError(`--seed must be an integer ≥ 0, got "${options.seed}"`);
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be an integer in 0…65535, got "${options.port}"`);
  const iou = Number(options.iou);
  if (!(iou > 0 && iou <= 1)) throw new CliError(`--iou must be in (0, 1], got "${options.iou}"`);
  const data = await ViewData.load({
    gt: options.gt,
    preset: options.preset as SynthPreset,
    seed,
    det: options.det,
    frames: options.frames,
    pattern: options.pattern,
    ffmpeg: options.ffmpeg,
    proposals: options.proposals,
    video: options.video,
    protocol: options.protocol,
    iou,
  });
  if (data.outsideGt > 0)
    io.stderr(
      `tubekit view: note: ${data.outsideGt} detections are on videos that are not in the GT; they are not shown\n`,
    );
  const server = await startViewServer(data, { port });
  const session = data.session();
  io.stdout(
    options.json
      ? `${JSON.stringify({ url: server.url, title: session.title, videos: session.videos.length, detections: session.detections, proposals: session.proposals })}\n`
      : `tubekit view: ${session.title}, ${session.videos.length} video${session.videos.length === 1 ? '' : 's'} — ${server.url} (Ctrl-C to stop)\n`,
  );
  return server;
}

/**
 * `tubekit view`: a local web page (127.0.0.1 only) that shows a video's frames with GT and
 * detected tubes, which detections are TP / FP / duplicates under a protocol, a timeline of every
 * tube, and a detector's per-stage proposals. Runs until Ctrl-C.
 */
export function registerViewCommand(program: Command): void {
  program
    .command('view')
    .description(
      'look at tubes in the browser: frames with GT and detections (TP/FP/duplicates under a protocol), a timeline, per-step proposals',
    )
    .option(
      '--gt <file>',
      'GT file (any format `tubekit convert` reads); default: a SynthTubes video',
    )
    .option('--det <csv>', 'frame detections CSV or tube detections CSV (see docs/formats.md)')
    .option(
      '--frames <dir|video>',
      'frame folders <dir>/<video>/00001.jpg, or one video file (of --video)',
    )
    .option(
      '--pattern <fmt>',
      'with a frames folder: file name pattern, e.g. %05d.png (default: detected)',
    )
    .option('--ffmpeg <path>', 'ffmpeg executable for a video file (default: ffmpeg on the PATH)')
    .option('--proposals <json>', 'per-stage proposals (tubekit-proposals JSON, e.g. from STEP)')
    .option('--video <name>', 'video shown first: its name or 0-based index (default 0)')
    .option('--preset <name>', 'without --gt: SynthTubes preset smoke | quick | full', 'smoke')
    .option('--seed <n>', 'without --gt: SynthTubes seed', '0')
    .option('--protocol <name>', `matching protocol: ${VIEW_PROTOCOLS.join(' | ')}`, 'voc')
    .option('--iou <t>', 'IoU threshold of a match', '0.5')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '0')
    .option('--no-open', 'do not open a browser; only print the URL')
    .option('--json', 'print {"url", …} as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  tubekit view                                   # a SynthTubes video, no files needed\n  tubekit view --gt pyannot.pkl --det tubes.csv --frames rgb-images --protocol act\n  tubekit view --gt gt.pkl --det frame_dets.csv --video 0 --iou 0.5 --no-open\n  tubekit view --preset smoke --proposals step-proposals.json',
    )
    .action(
      runAction('view', async (options: ViewCommandOptions) => {
        const server = await startView(options);
        if (options.open) openBrowser(server.url, processIO);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await server.close();
        process.stderr.write('tubekit view: stopped\n');
      }),
    );
}
