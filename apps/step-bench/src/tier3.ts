import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ActionDataset, loadDataset, type VideoAnnotation } from '@tubekit/datasets';
import { gridSize } from '@tubekit/heads/progressive';
import { initBackend } from '@tubekit/nn';
import { createProgress, type ReportDocument, writeReport } from '@tubekit/report';
import { type StepModelConfig, stepModels } from './configurations';
import { type Convolutions, convolutionsCacheKey, selectConvolutions } from './convolutions';
import { DatasetFrames, describeFrameLayouts } from './dataset-frames';
import { frameMapOf, linkTubes, VIDEO_IOUS, videoMapOf } from './evaluate';
import { PROFILES, type StepProfile, type StepProfileName } from './profiles';
import { PUBLISHED } from './published';
import { runModel } from './run-model';
import { pretrainedTrunk, tubeActors } from './trunks';

/** The RGB STEP models tier 3 can train: 3 steps without extension, or with anticipation (Eq. 5). */
export type Tier3Model = 'smax3' | 'anticipation';

/** Options of {@link reproduceOnDataset}. */
export interface ReproduceOnDatasetOptions {
  /** Display name of the dataset; also names the default output folder (letters, digits, `._-`). */
  dataset: string;
  /** Annotation file, any format `loadDataset` reads (`pyannot.pkl`, ACT `*-GT.pkl`, `*.tubes.json`, J-HMDB GT, …). */
  gt: string;
  /** Frames root: per-video image folders or video files named like the annotation's videos. */
  root: string;
  /** Benchmark profile: frame size, model size, iterations, test stride (default `quick`). */
  profile?: StepProfileName;
  /** Split names in the annotation (default `train` / `test`; J-HMDB: `train1` / `test1`). */
  splits?: { train?: string; test?: string };
  /** Which RGB model to train (default `anticipation`, the paper's RGB stream of Table 1(b)). */
  model?: Tier3Model;
  /**
   * Use at most this many videos of each split. Defaults: test — the profile's `maxTestVideos`
   * (smoke 2, quick 16, full all); train — the profile's `maxTrainVideos`, and never more than the
   * clips training samples (`iterations × batchClips`: quick 400), since every training clip comes
   * from one random video and the frames of every loaded video are held in memory. A subset is
   * spread evenly over the split's list (name ⌊i·n/max⌋), so a class-sorted list keeps every class;
   * it is deterministic, and the report states how many of the split's videos were used.
   */
  maxTrainVideos?: number;
  maxTestVideos?: number;
  /** Output folder (default `results/step-<dataset>` under the current directory). */
  outDir?: string;
  /** Where the trunk's convolutions run (default `wasm`; `reproduce`'s option of the same name). */
  convolutions?: Convolutions;
  /** Progress lines (default stderr) and the final summary line (default stdout). */
  log?: (line: string) => void;
}

/** What {@link reproduceOnDataset} measured and wrote. */
export interface ReproduceOnDatasetResult {
  reportPath: string;
  jsonPath: string;
  /** Frame-mAP@0.5 (%) after steps 1…Smax of the trained model. */
  frameMapByStep: number[];
  /** Video-mAP (%) at δ = 0.05, 0.1, 0.2, 0.5 (keys as strings), `act` protocol. */
  videoMap: Record<string, number>;
  /** Inference frames per second of the full model on in-memory frames. */
  fps: number;
  wallSeconds: number;
}

const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `max` names spread evenly over `names` (all of them when `max` is absent or ≥ their number). */
function spread(names: readonly string[], max: number | undefined): string[] {
  if (max === undefined || max >= names.length) return [...names];
  return Array.from({ length: max }, (_, i) => names[Math.floor((i * names.length) / max)]);
}

function splitVideos(
  dataset: ActionDataset,
  gt: string,
  split: string,
  max: number | undefined,
): VideoAnnotation[] {
  const names = dataset.splits[split];
  if (!names)
    throw new Error(
      `${gt}: no split "${split}"; the annotation has ${
        Object.keys(dataset.splits)
          .map((s) => `"${s}" (${dataset.splits[s].length} videos)`)
          .join(', ') || 'no splits'
      } — choose with --train-split / --test-split`,
    );
  if (names.length === 0) throw new Error(`${gt}: split "${split}" lists no videos`);
  const byName = new Map(dataset.videos.map((v) => [v.name, v]));
  return spread(names, max).map((n) => {
    const v = byName.get(n);
    if (!v) throw new Error(`${gt}: split "${split}" names video ${n}, which has no annotation`);
    return v;
  });
}

function checkMax(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1))
    throw new RangeError(`reproduceOnDataset: ${name} must be an integer ≥ 1, got ${value}`);
}

/**
 * Tier 3 of reproduction.md: the STEP pipeline of tier 1 on your own annotated videos — reads
 * the annotation (`gt`, any format `loadDataset` knows), loads the RGB frames of the chosen train
 * and test videos once into memory at the profile's frame size (image folders or video files under
 * `root`, see `describeFrameLayouts`), trains one RGB STEP model (`stepModels('rgb')` entry `smax3` or
 * `anticipation`; seeded, resumable from `<outDir>/cache/`) with `runModel`, detects on the test
 * videos, evaluates frame-mAP@0.5 after every step, links tubelets into tubes (ACT linking +
 * two-state trimming, STEP §3.5) and evaluates video-mAP at 0.05 / 0.1 / 0.2 / 0.5 under the
 * `act` protocol. Writes `report.md`, `report.html` and `report.json` atomically into `outDir`.
 *
 * The model sees RoI-aligned pixels at the profile's frame size (no backbone features), so its
 * numbers are the CPU-sized model's, not the paper's VGG16 ones. Errors name the file, video or
 * split at fault before any training starts.
 *
 * @example
 * const r = await reproduceOnDataset({ dataset: 'ucf101-24', root: 'ucf101/rgb-images',
 *   gt: 'ucf101/pyannot.pkl', profile: 'quick' });
 * console.log(r.reportPath, r.frameMapByStep, r.videoMap['0.2']);
 */
export async function reproduceOnDataset(
  options: ReproduceOnDatasetOptions,
): Promise<ReproduceOnDatasetResult> {
  const t0 = Date.now();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const summary = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!DATASET_NAME.test(options.dataset))
    throw new Error(
      `dataset name "${options.dataset}" must be letters, digits, ".", "_" or "-" (it names the output folder)`,
    );
  const gt = resolve(options.gt);
  const root = resolve(options.root);
  if (!existsSync(gt))
    throw new Error(
      `annotation file ${gt} not found (--gt: a UCF101-24 pyannot.pkl, an ACT *-GT.pkl, a *.tubes.json, J-HMDB ground truth, … — any file loadDataset reads)`,
    );
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new Error(`frames root ${root} is not a folder (--root: ${describeFrameLayouts(root)})`);
  checkMax('maxTrainVideos', options.maxTrainVideos);
  checkMax('maxTestVideos', options.maxTestVideos);
  const profile: StepProfile | undefined = PROFILES[options.profile ?? 'quick'];
  if (!profile)
    throw new Error(
      `reproduceOnDataset: unknown profile "${options.profile}"; expected ${Object.keys(PROFILES).join(', ')}`,
    );
  const modelId: Tier3Model = options.model ?? 'anticipation';
  const config: StepModelConfig | undefined =
    modelId === 'smax3' || modelId === 'anticipation'
      ? stepModels('rgb').find((m) => m.id === modelId)
      : undefined;
  if (!config)
    throw new Error(
      `reproduceOnDataset: unknown model "${modelId}"; expected smax3 or anticipation`,
    );
  const outDir = resolve(
    options.outDir ?? join(process.cwd(), 'results', `step-${options.dataset}`),
  );
  const splitNames = {
    train: options.splits?.train ?? 'train',
    test: options.splits?.test ?? 'test',
  };

  const dataset = await loadDataset(gt);
  const train = splitVideos(
    dataset,
    gt,
    splitNames.train,
    options.maxTrainVideos ??
      Math.min(
        profile.maxTrainVideos ?? Number.POSITIVE_INFINITY,
        profile.iterations * profile.batchClips,
      ),
  );
  const test = splitVideos(
    dataset,
    gt,
    splitNames.test,
    options.maxTestVideos ?? profile.maxTestVideos,
  );
  const all = [...new Map([...train, ...test].map((v) => [v.name, v])).values()];
  const frameCount = all.reduce((n, v) => n + v.nframes, 0);
  log(
    `step-bench tier 3: ${options.dataset} (${dataset.labels.length} classes), ${train.length} train + ${test.length} test videos, ` +
      `${frameCount} frames at ${profile.frameSize}px (${((frameCount * profile.frameSize ** 2 * 3) / 2 ** 20).toFixed(0)} MiB), profile ${profile.name}, model ${config.id}, output ${outDir}`,
  );

  const loadBar = createProgress({ label: 'read frames', total: all.length });
  const frames = await DatasetFrames.load({
    root,
    size: profile.frameSize,
    videos: all,
    onVideo: () => loadBar.tick(),
    log,
  });
  loadBar.done(
    `${all.length} videos (${frames.layouts['image-folder']} image folders, ${frames.layouts['video-file']} video files)`,
  );

  const backend = await initBackend({ log });
  const convolutions = await selectConvolutions(options.convolutions);
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        profile,
        config,
        gt,
        root,
        train.map((v) => v.name),
        test.map((v) => v.name),
        ...convolutionsCacheKey(),
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  // The RGB trunk, pretrained once on these training videos (GT tubes as the actors).
  const trunk = await pretrainedTrunk({
    profile,
    modality: 'rgb',
    numClasses: dataset.labels.length,
    train,
    read: frames.reader('rgb'),
    actors: tubeActors(profile.frameSize),
    path: join(outDir, 'cache', profile.name, `trunk-rgb.${key}.safetensors`),
    log,
  });
  const run = await runModel({
    trunk,
    profile,
    config,
    numClasses: dataset.labels.length,
    train,
    test,
    frames,
    allSteps: true,
    timeAllSteps: false,
    checkpointPath: join(outDir, 'cache', profile.name, `${config.id}.${key}.safetensors`),
  });
  trunk.dispose();

  const K = profile.clipLength;
  const frameMapByStep = run.stepTubelets.map((s) =>
    frameMapOf(dataset, test, new Map(s.videos), K),
  );
  const last = new Map(run.stepTubelets[run.stepTubelets.length - 1].videos);
  const linked = linkTubes(test, last, K);
  const videoMap = videoMapOf(dataset, test, linked.tubes);
  const fps = run.fpsByStep[run.fpsByStep.length - 1];
  const wallSeconds = (Date.now() - t0) / 1000;
  const backendText = `${backend.name}${backend.threads ? ` (${backend.threads} thread${backend.threads > 1 ? 's' : ''})` : ''}`;

  const setup = {
    dataset: options.dataset,
    gt,
    root,
    splits: {
      train: {
        name: splitNames.train,
        used: train.length,
        of: dataset.splits[splitNames.train].length,
      },
      test: {
        name: splitNames.test,
        used: test.length,
        of: dataset.splits[splitNames.test].length,
      },
    },
    classes: dataset.labels,
    frames: {
      size: profile.frameSize,
      modality: 'rgb',
      imageFolders: frames.layouts['image-folder'],
      videoFiles: frames.layouts['video-file'],
    },
    profile: profile.name,
    seed: profile.seed,
    model: config,
    backend: backendText,
    convolutions,
    startedAt: new Date(t0).toISOString(),
    wallSeconds,
  };
  const numbers = {
    frameMapByStep,
    videoMap,
    fps,
    tubes: linked.tubes.length,
    train: run.train,
    testSeconds: run.testWallMs / 1000,
  };

  const doc: ReportDocument = {
    title: `STEP on ${options.dataset} (tier 3, profile ${profile.name})`,
    blocks: [
      {
        kind: 'paragraph',
        text: `tubekit's CPU-sized STEP detector (RoIs aligned on a pretrained RGB trunk at ${profile.frameSize}×${profile.frameSize}, model \`${config.id}\`: ${config.steps} steps, extension ${config.extension}, ${gridSize(config.grid)} initial proposals, scene context ${config.sceneContext ? 'on' : 'off'}, hard-aware sampling ${config.hardAware ? 'on' : 'off'}) trained and tested on your data.`,
      },
      { kind: 'heading', level: 2, text: 'Setup' },
      {
        kind: 'table',
        table: {
          header: ['setting', 'value'],
          rows: [
            ['annotations', `\`${gt}\``],
            [
              'frames',
              `\`${root}\` (${frames.layouts['image-folder']} image folders, ${frames.layouts['video-file']} video files; RGB)`,
            ],
            ['classes', String(dataset.labels.length)],
            [
              'train split',
              `${splitNames.train}: ${train.length} of ${setup.splits.train.of} videos`,
            ],
            ['test split', `${splitNames.test}: ${test.length} of ${setup.splits.test.of} videos`],
            [
              'profile',
              `${profile.name} (${profile.iterations} iterations × ${profile.batchClips} clips, K = ${K}, test stride ${profile.testStride})`,
            ],
            ['seed', String(profile.seed)],
            ['backend', backendText],
            ['convolutions', convolutions],
            [
              'wall time',
              `${wallSeconds.toFixed(1)} s (train ${(run.train.wallMs / 1000).toFixed(1)} s, test ${(run.testWallMs / 1000).toFixed(1)} s)`,
            ],
            [
              'training',
              `${run.train.iterations} iterations${run.train.resumedFrom ? ` (resumed from ${run.train.resumedFrom})` : ''}, final loss ${run.train.finalLoss.toFixed(4)}`,
            ],
            ['started', setup.startedAt],
          ],
          align: ['left', 'left'],
        },
      },
      { kind: 'heading', level: 2, text: 'Frame-mAP@0.5 by step (%)' },
      {
        kind: 'table',
        table: {
          header: frameMapByStep.map((_, s) => `step ${s + 1}`),
          rows: [frameMapByStep],
          align: frameMapByStep.map(() => 'right'),
        },
      },
      { kind: 'heading', level: 2, text: 'Detection (Table 2 layout)' },
      {
        kind: 'paragraph',
        text: `Video-mAP under the \`act\` protocol on the tubes of the linking pipeline "${linked.pipeline.name}" (${linked.tubes.length} tubes). The published row is STEP on UCF101-24 (two-stream hybrid fusion, VGG16 features, full training) — a reference point, not the same model or data.`,
      },
      {
        kind: 'table',
        table: {
          header: ['', 'frame-mAP', ...VIDEO_IOUS.map((d) => `video-mAP@${d}`), 'fps'],
          rows: [
            [
              `tubekit (${options.dataset}, ${profile.name}, seed ${profile.seed})`,
              frameMapByStep[frameMapByStep.length - 1],
              ...VIDEO_IOUS.map((d) => videoMap[String(d)]),
              fps,
            ],
            [
              'published (UCF101-24)',
              PUBLISHED.table2.frameMap,
              ...VIDEO_IOUS.map((d) => PUBLISHED.table2.videoMap[d]),
              null,
            ],
          ],
        },
      },
    ],
  };

  const { reportPath, jsonPath } = await writeReport(outDir, doc, {
    paper: 'STEP (CVPR 2019)',
    tier: 3,
    setup,
    profileConfig: profile,
    linking: linked.pipeline,
    results: numbers,
  });
  summary(
    `step-bench tier 3: ${options.dataset} frame-mAP ${frameMapByStep[frameMapByStep.length - 1].toFixed(1)}, video-mAP@0.2 ${videoMap['0.2'].toFixed(1)} (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${backendText}) — report: ${reportPath}`,
  );
  return { reportPath, jsonPath, frameMapByStep, videoMap, fps, wallSeconds };
}
