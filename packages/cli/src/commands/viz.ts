import { extname, join } from 'node:path';
import {
  type ActionDataset,
  createSynthTubes,
  type FrameModality,
  type FrameSource,
  loadDataset,
  openImageFolderSource,
  openVideoFileSource,
  type TubeVizFormat,
  type VideoAnnotation,
  visualizeTubes,
} from '@tubekit/datasets';
import { writeFileAtomic } from '@tubekit/report';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { runAction } from '../run-action';
import { synthConfigFromOptions } from './synth';

interface VizOptions {
  preset: string;
  seed: string;
  config?: string;
  gt?: string;
  frames?: string;
  pattern?: string;
  videoFile?: string;
  ffmpeg?: string;
  modality: string;
  out?: string;
  every?: string;
  maxFrames: string;
  scale?: string;
  columns?: string;
  delay: string;
  json?: boolean;
}

function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${flag} must be an integer ≥ 1, got "${value}"`);
  return n;
}

function findVideo(dataset: ActionDataset, name: string, where: string): VideoAnnotation {
  const byName = dataset.videos.find((v) => v.name === name);
  if (byName) return byName;
  if (/^\d+$/.test(name)) {
    const byIndex = dataset.videos[Number(name)];
    if (byIndex) return byIndex;
  }
  throw new CliError(
    `video "${name}" is not in ${where} (${dataset.videos.length} videos, e.g. ${dataset.videos
      .slice(0, 2)
      .map((v) => v.name)
      .join(', ')}; a 0-based index also works)`,
  );
}

/**
 * `tubekit viz <video> --out x.gif|x.webp|x.png`: a video's GT tubes drawn over its frames, as an
 * animated GIF/WebP or a contact-sheet PNG.
 */
export function registerVizCommand(program: Command): void {
  program
    .command('viz')
    .description("draw a video's tubes over its frames: animated GIF/WebP, or a contact-sheet PNG")
    .argument('<video>', 'video name as in the GT (e.g. walk/walk_0003), or its 0-based index')
    .option('--preset <name>', 'take the video from SynthTubes: smoke | quick | full', 'quick')
    .option('--seed <n>', 'SynthTubes seed', '0')
    .option('--config <file>', 'SynthTubes config JSON instead of --preset')
    .option(
      '--gt <file>',
      'GT file of real data (any format `tubekit convert` reads) instead of SynthTubes',
    )
    .option('--frames <root>', 'with --gt: frame folders <root>/<video>/00001.jpg')
    .option(
      '--pattern <fmt>',
      'with --frames: frame file name pattern, e.g. %05d.png (default: detected)',
    )
    .option('--video-file <file>', 'with --gt: the video file (decoded with ffmpeg)')
    .option('--ffmpeg <path>', 'ffmpeg executable for --video-file (default: ffmpeg on the PATH)')
    .option('--modality <m>', 'SynthTubes stream to show: rgb | flow', 'rgb')
    .option('--out <file>', 'output .gif, .webp (animated) or .png (contact sheet)')
    .option('--every <k>', 'show every k-th frame (default 1; contact sheets: up to 16 frames)')
    .option('--max-frames <n>', 'at most n frames', '96')
    .option('--scale <s>', 'upscaling factor (default: to about 256 px wide)')
    .option('--columns <n>', 'contact sheet columns (default: √frames)')
    .option('--delay <ms>', 'animation delay per frame in ms', '100')
    .option('--json', 'machine-readable summary on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  tubekit viz walk/walk_0000 --preset quick --out walk.gif\n  tubekit viz 3 --preset smoke --modality flow --out flow.png\n  tubekit viz Basketball/v_Basketball_g01_c01 --gt pyannot.pkl --frames rgb-images --out b.webp',
    )
    .action(
      runAction('viz', async (name: string, options: VizOptions) => {
        if (!options.out) throw new CliError('--out <file.gif|file.webp|file.png> is required');
        const kind = extname(options.out).toLowerCase();
        if (kind !== '.gif' && kind !== '.webp' && kind !== '.png')
          throw new CliError(`--out must end in .gif, .webp or .png, got "${options.out}"`);
        if (options.modality !== 'rgb' && options.modality !== 'flow')
          throw new CliError(`--modality must be rgb or flow, got "${options.modality}"`);
        let dataset: ActionDataset;
        let video: VideoAnnotation;
        let source: FrameSource;
        if (options.gt) {
          dataset = await loadDataset(options.gt);
          video = findVideo(dataset, name, options.gt);
          if (options.frames)
            source = await openImageFolderSource(join(options.frames, video.name), {
              video: video.name,
              pattern: options.pattern,
            });
          else if (options.videoFile)
            source = await openVideoFileSource(options.videoFile, {
              video: video.name,
              ffmpegPath: options.ffmpeg,
            });
          else throw new CliError('with --gt, pass --frames <root> or --video-file <file>');
          if (source.nframes < video.nframes)
            throw new CliError(
              `${video.name}: the frames have ${source.nframes} frames, the GT says ${video.nframes}`,
            );
        } else {
          const synth = createSynthTubes(await synthConfigFromOptions(options));
          dataset = synth.dataset;
          video = findVideo(dataset, name, synth.config.name);
          source = synth.frameSource(video.name, options.modality as FrameModality);
        }
        const maxFrames = positiveInteger(options.maxFrames, '--max-frames');
        const every = options.every
          ? positiveInteger(options.every, '--every')
          : kind === '.png'
            ? Math.max(1, Math.ceil(video.nframes / 16))
            : 1;
        const frames: number[] = [];
        for (let f = 1; f <= video.nframes && frames.length < maxFrames; f += every) frames.push(f);
        const scale = options.scale === undefined ? undefined : Number(options.scale);
        if (scale !== undefined && !(scale > 0 && scale <= 16))
          throw new CliError(`--scale must be in (0, 16], got "${options.scale}"`);
        const {
          bytes,
          width: w,
          height: h,
        } = await visualizeTubes(source, video, dataset.labels, {
          format: kind.slice(1) as TubeVizFormat,
          frames,
          scale,
          columns: options.columns ? positiveInteger(options.columns, '--columns') : undefined,
          delay: positiveInteger(options.delay, '--delay'),
        });
        await writeFileAtomic(options.out, bytes);
        const summary = {
          out: options.out,
          video: video.name,
          frames: frames.length,
          width: w,
          height: h,
          tubes: video.tubes.map((t) => ({
            label: dataset.labels[t.label] ?? t.label,
            start: t.start,
            end: t.start + t.boxes.length / 4 - 1,
          })),
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(summary)}\n`
            : `wrote ${options.out}: ${video.name}, ${frames.length} frames, ${video.tubes.length} tube(s)\n`,
        );
      }),
    );
}
