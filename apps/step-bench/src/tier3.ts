import { join } from 'node:path';
import { gridSize } from '@tubekit/heads/progressive';
import { initBackend } from '@tubekit/nn';
import { type ReportDocument, writeReport } from '@tubekit/report';
import { type StepModelConfig, stepModels } from './configurations';
import { selectConvolutions } from './convolutions';
import {
  calibrationVideos,
  fitTrimmingCalibration,
  frameMapOf,
  linkTubes,
  VIDEO_IOUS,
  videoMapOf,
} from './evaluate';
import { storedClassifier } from './pretrained-classifier';
import { PROFILES, type StepProfileName } from './profiles';
import { PUBLISHED } from './published';
import { runModel } from './run-model';
import { tubeActors } from './trunks';
import {
  backendText as formatBackend,
  loadUserFrames,
  openUserDataset,
  type UserDatasetOptions,
  userCacheKey,
  userFramesText,
  userRunStart,
  userSetup,
  userSetupRows,
  userTrunk,
  userTrunkPath,
} from './user-dataset';

/** The RGB STEP models tier 3 can train: 3 steps without extension, or with anticipation (Eq. 5). */
export type Tier3Model = 'smax3' | 'anticipation';

/** Options of {@link reproduceOnDataset}: your data ({@link UserDatasetOptions}), profile and model. */
export interface ReproduceOnDatasetOptions extends UserDatasetOptions {
  /** Benchmark profile: frame size, model size, iterations, test stride (default `quick`). */
  profile?: StepProfileName;
  /** Which RGB model to train (default `anticipation`, the paper's RGB stream of Table 1(b)). */
  model?: Tier3Model;
  /**
   * Use at most this many videos of each split. Defaults: test — the profile's `maxTestVideos`
   * (smoke 2, quick 16, full all); train — the profile's `maxTrainVideos`, and never more than the
   * clips training samples (`iterations × batchClips`: quick 400), since every training clip comes
   * from one random video and the frames of every loaded video are held in memory.
   */
  maxTrainVideos?: number;
  maxTestVideos?: number;
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

/**
 * Tier 3 of reproduction.md: the STEP pipeline of tier 1 on your own annotated videos — reads
 * the annotation (`gt`, any format `loadDataset` knows) and picks the train and test videos
 * (`openUserDataset`), loads their RGB frames once into memory at the profile's frame size (image
 * folders or video files under `root`, see `describeFrameLayouts`), pretrains the RGB trunk on the
 * training videos with their GT tubes as the actors (`userTrunk`, cached) and the heads'
 * classifier on it (`storedClassifier`, cached beside it), trains one RGB STEP
 * model on it (`stepModels('rgb')` entry `smax3` or `anticipation`; seeded, resumable from
 * `<outDir>/cache/`) with `runModel`, detects on the test videos, evaluates frame-mAP@0.5 after
 * every step, links tubelets into tubes (ACT linking + two-state trimming, STEP §3.5) and
 * evaluates video-mAP at 0.05 / 0.1 / 0.2 / 0.5 under the `act` protocol. Writes `report.md`,
 * `report.html` and `report.json` atomically into `outDir`.
 *
 * The detector pools its RoIs from the neck of tubekit's CPU-sized trunk (pretrained on your
 * training videos, not ImageNet; every pass runs the whole trunk on the frames, the neck
 * fine-tuned with the steps), so its numbers are the CPU-sized model's, not the paper's VGG16
 * ones. Errors name the file, video or split at fault before any training starts.
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
  const { log, summary, profile } = userRunStart(options, PROFILES);
  const modelId: Tier3Model = options.model ?? 'anticipation';
  const config: StepModelConfig | undefined =
    modelId === 'smax3' || modelId === 'anticipation'
      ? stepModels('rgb').find((m) => m.id === modelId)
      : undefined;
  if (!config)
    throw new Error(
      `reproduceOnDataset: unknown model "${modelId}"; expected smax3 or anticipation`,
    );
  const user = await openUserDataset(options, 'step', {
    maxTrainVideos: Math.min(
      profile.maxTrainVideos ?? Number.POSITIVE_INFINITY,
      profile.iterations * profile.batchClips,
    ),
    maxTestVideos: profile.maxTestVideos,
  });
  const { dataset, train, test, outDir } = user;
  log(
    `step-bench tier 3: ${user.name} (${dataset.labels.length} classes), ${train.length} train + ${test.length} test videos, ` +
      `${userFramesText(user, profile.frameSize)}, profile ${profile.name}, model ${config.id}, output ${outDir}`,
  );
  const frames = await loadUserFrames(user, { root: user.root, size: profile.frameSize, log });

  const backend = await initBackend({ log });
  const convolutions = await selectConvolutions(options.convolutions);
  const key = userCacheKey(user, profile, config);
  // The RGB trunk, pretrained once on these training videos (GT tubes as the actors).
  const trunk = await userTrunk(user, {
    profile,
    modality: 'rgb',
    read: frames.reader('rgb'),
    key,
    log,
  });
  const classifier = await storedClassifier({
    profile,
    modality: 'rgb',
    numClasses: dataset.labels.length,
    trunk,
    trunkPath: userTrunkPath(user, profile, 'rgb', key),
    train,
    read: frames.reader('rgb'),
    actors: tubeActors(profile.frameSize),
    log,
  });
  const calibrationSet = calibrationVideos({ train, test });
  const run = await runModel({
    trunk,
    classifier,
    profile,
    config,
    numClasses: dataset.labels.length,
    train,
    test,
    calibration: calibrationSet,
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
  // the trimmer reads probabilities: a Platt scaling fit on training videos' tubes (Table 2 of tier 1)
  const calibration = fitTrimmingCalibration(
    calibrationSet,
    new Map(run.calibrationTubelets ?? []),
    K,
  );
  const linked = linkTubes(test, last, K, true, calibration?.scaling ?? null);
  const videoMap = videoMapOf(dataset, test, linked.tubes);
  const fps = run.fpsByStep[run.fpsByStep.length - 1];
  const wallSeconds = (Date.now() - t0) / 1000;
  const backendText = formatBackend(backend);

  const setup = {
    ...userSetup(user),
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
    title: `STEP on ${user.name} (tier 3, profile ${profile.name})`,
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
            ...userSetupRows(
              user,
              `\`${user.root}\` (${frames.layouts['image-folder']} image folders, ${frames.layouts['video-file']} video files; RGB)`,
            ),
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
        text: `Video-mAP under the \`act\` protocol on the tubes of the linking pipeline "${linked.pipeline.name}" (${linked.tubes.length} tubes). ${calibration ? `The trimmer reads scores calibrated by a Platt scaling, p = σ(${calibration.scaling.a.toFixed(2)} · ln s + ${calibration.scaling.b.toFixed(2)}), fit on ${calibration.frames} tube frames of ${calibrationSet.length} training videos (${calibration.actionFrames} on an acting actor).` : `No tube was linked on the ${calibrationSet.length} calibration training videos, so the trimmer reads the scores as they are.`} The published row is STEP on UCF101-24 (two-stream hybrid fusion, VGG16 features, full training) — a reference point, not the same model or data.`,
      },
      {
        kind: 'table',
        table: {
          header: ['', 'frame-mAP', ...VIDEO_IOUS.map((d) => `video-mAP@${d}`), 'fps'],
          rows: [
            [
              `tubekit (${user.name}, ${profile.name}, seed ${profile.seed})`,
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
    `step-bench tier 3: ${user.name} frame-mAP ${frameMapByStep[frameMapByStep.length - 1].toFixed(1)}, video-mAP@0.2 ${videoMap['0.2'].toFixed(1)} (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${backendText}) — report: ${reportPath}`,
  );
  return { reportPath, jsonPath, frameMapByStep, videoMap, fps, wallSeconds };
}
