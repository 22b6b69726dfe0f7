import { resolve } from 'node:path';
import type { VideoAnnotation } from '@tubekit/datasets';
import type { ActionnessClassifiers } from '@tubekit/heads/cross-stream';
import { initBackend } from '@tubekit/nn';
import { createProgress, type ReportDocument, writeReport } from '@tubekit/report';
import { selectConvolutions } from '@tubekit/step-bench/convolutions';
import { type DatasetFrames, locateFlowRoot } from '@tubekit/step-bench/dataset-frames';
import {
  backendText,
  loadUserFrames,
  openUserDataset,
  type UserDatasetOptions,
  userCacheKey,
  userFramesText,
  userRunStart,
  userSetup,
  userSetupRows,
  userTrunk,
} from '@tubekit/step-bench/user-dataset';
import { BENCH_VARIANTS, type BenchVideo, keptVideo, scaledAnnotation } from './bench-data';
import { frameMaps, TABLE_IOUS, videoMaps } from './evaluate';
import { describeKeyFrames } from './key-frames';
import { type PcscProfileName, PROFILES, stepProfileOf } from './profiles';
import { PUBLISHED } from './published';
import { testVideos, type VideoRow } from './run-seed';
import { trainActionness } from './train-actionness';
import {
  createDetector,
  trainDetector,
  trainingFrames,
  trainingIterations,
  trainingSummary,
} from './train-detector';
import { describeStacks, type StreamTrunks } from './video-features';

/** Options of {@link reproduceOnDataset}: your data ({@link UserDatasetOptions}) and profile. */
export interface PcscOnDatasetOptions extends UserDatasetOptions {
  /**
   * Benchmark profile (default `quick`): frame size, trunk, detector sizes, stages, iterations;
   * video caps default to tier 1's counts (3 variants × `videos.train` / `videos.test`: smoke
   * 6 / 3, quick 120 / 36, full 384 / 144).
   */
  profile?: PcscProfileName;
  /**
   * Flow images (3-channel: u, v, magnitude, `encodeFlow`), per video in the layout of `root`.
   * Default: the first of `flow/`, `brox-images/`, `FlowBrox04/` beside `root` (`locateFlowRoot`).
   * None found: RGB only.
   */
  flowRoot?: string;
  /** Train the actionness classifiers and report PCSC + TR too (default true). */
  temporalRefinement?: boolean;
}

/** Which streams a tier-3 run had: RGB and flow, or RGB alone. */
export type PcscStreams = 'rgb+flow' | 'rgb';

/** What {@link reproduceOnDataset} measured and wrote. */
export interface PcscOnDatasetResult {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
  streams: PcscStreams;
  /** The flow root read, or the folders looked at when there was none. */
  flow: { root?: string; looked: string[] };
  /** frame-mAP@0.5 (%) per stage t = 0…n (frame output = union of stages 0…t). */
  frameMapByStage: number[];
  /** Final-stage frame-mAP (%) at 0.2 / 0.5 / 0.75 / 0.5:0.95. */
  frameMap: Record<string, number>;
  /** Video-mAP (%) at 0.2 / 0.5 / 0.75 / 0.5:0.95 of PCSC, and with TR (split / ends) when trained. */
  videoMap: Partial<Record<VideoRow, Record<string, number>>>;
  wallSeconds: number;
}

/**
 * A user video as the bench's video type: annotation scaled to the frame size; the frames of each
 * stream are dequantised from `DatasetFrames`' bytes on each access (only the bytes stay in
 * memory), and without flow images `flow` reads the RGB frames.
 */
function userBenchVideo(
  video: VideoAnnotation,
  S: number,
  rgb: DatasetFrames,
  flow: DatasetFrames | undefined,
): BenchVideo {
  const whole = (frames: DatasetFrames, modality: 'rgb' | 'flow') => {
    const read = frames.reader(modality);
    const size = S * S * 3;
    const out = new Float32Array(video.nframes * size);
    for (let f = 1; f <= video.nframes; f++) out.set(read(video, f), (f - 1) * size);
    return out;
  };
  return {
    variant: 'plain',
    annotation: scaledAnnotation(video, S, video.name),
    get rgb() {
      return whole(rgb, 'rgb');
    },
    get flow() {
      return flow ? whole(flow, 'flow') : whole(rgb, 'rgb');
    },
  };
}

/**
 * Tier 3 of reproduction.md for PCSC (Su et al., CVPR 2019): tier 1's pipeline on your annotated
 * videos. Reads the annotation and picks the videos (`openUserDataset` of step-bench, shared by
 * every app's tier 3) and loads their RGB frames; **two streams where flow images exist** —
 * `flowRoot`, else a `flow/`, `brox-images/` or `FlowBrox04/` folder beside `root`
 * (`locateFlowRoot`), in the layout of `root` with a folder or file for every video used — **else
 * RGB only**, said in the log, the report's title and `report.json` (`setup.streams`): both of
 * PCSC's streams then read the RGB trunk's maps, so cross-stream cooperation runs between two
 * heads on appearance alone (no motion cue). Each stream's trunk is pretrained on the training
 * videos with their GT tubes as the actors (`userTrunk`, cached under `<outDir>/cache/`); PCSC
 * with feature cooperation and the profile's stages trains on the profile's `keyFrames`
 * (mini-UCF protocol, Adam; `trainDetector`), the actionness classifiers on tubes linked on
 * training videos (`trainActionness`, unless `temporalRefinement: false`). On the test videos
 * (every frame a key frame): frame-mAP@0.5 of each stage's frame output (Table 5 layout), the
 * final stage's frame-mAP and video-mAP at 0.2 / 0.5 / 0.75 / 0.5:0.95 after Singh's online
 * linking, without TR and with TR (splitting, or trimming the ends only), `act` protocol, beside
 * the paper's UCF101-24 and J-HMDB rows. Writes `report.md`, `report.html`, `report.json`
 * atomically into `outDir` (default `results/pcsc-<dataset>`). Errors name the file, split or
 * video at fault (a flow root without some video's images included) before any training.
 *
 * @example
 * const r = await reproduceOnDataset({ dataset: 'ucf101-24', root: 'ucf101/rgb-images',
 *   gt: 'ucf101/pyannot.pkl' }); // reads ucf101/brox-images too when it exists
 * console.log(r.streams, r.frameMap['0.5'], r.videoMap.pcsc?.['0.5']);
 */
export async function reproduceOnDataset(
  options: PcscOnDatasetOptions,
): Promise<PcscOnDatasetResult> {
  const t0 = Date.now();
  const { log, summary, profile } = userRunStart(options, PROFILES);
  const seed = profile.seeds[0]!;
  const step = stepProfileOf(profile);
  const S = step.frameSize;
  const user = await openUserDataset(options, 'pcsc', {
    maxTrainVideos: BENCH_VARIANTS.length * profile.videos.train,
    maxTestVideos: BENCH_VARIANTS.length * profile.videos.test,
  });
  const { dataset, outDir } = user;
  const labels = dataset.labels;
  const flow = locateFlowRoot(
    user.root,
    options.flowRoot === undefined ? undefined : resolve(options.flowRoot),
  );
  const streams: PcscStreams = flow.path ? 'rgb+flow' : 'rgb';
  const streamsText = flow.path
    ? `two streams: RGB from ${user.root}, flow from ${flow.path}`
    : `RGB only: no flow images (looked for ${flow.looked.join(', ')}; --flow-root names them) — both of PCSC's streams read the RGB trunk's maps, so cooperation has no motion cue`;
  log(
    `pcsc-bench tier 3: ${user.name} (${labels.length} classes), ${user.train.length} train + ${user.test.length} test videos, ` +
      `${userFramesText(user, S, flow.path ? 2 : 1)}, profile ${profile.name}, output ${outDir}`,
  );
  log(`pcsc-bench tier 3: ${streamsText}`);
  const rgbFrames = await loadUserFrames(user, { root: user.root, size: S, log });
  const flowFrames = flow.path
    ? await loadUserFrames(user, { root: flow.path, size: S, modality: 'flow', log })
    : undefined;

  const backend = await initBackend({ log });
  const convolutions = await selectConvolutions(options.convolutions);
  const rgbTrunk = await userTrunk(user, {
    profile: step,
    modality: 'rgb',
    read: rgbFrames.reader('rgb'),
    key: userCacheKey(user, step),
    log,
  });
  const trunks: StreamTrunks = {
    rgb: rgbTrunk,
    flow: flowFrames
      ? await userTrunk(user, {
          profile: step,
          modality: 'flow',
          read: flowFrames.reader('flow'),
          key: userCacheKey(user, step, flow.path),
          log,
        })
      : rgbTrunk,
  };
  const bench = (videos: readonly VideoAnnotation[]) =>
    videos.map((v) => userBenchVideo(v, S, rgbFrames, flowFrames));
  const train = bench(user.train).map(keptVideo);
  const test = bench(user.test);
  const det = createDetector(profile, 'pcsc', seed, labels.length);
  let trainLoss: number;
  let classifiers: ActionnessClassifiers | undefined;
  let actionness: { samples: number; positives: number } | undefined;
  let outcome: ReturnType<typeof testVideos>;
  const started = Date.now();
  try {
    const frames = trainingFrames(profile, trunks, train);
    const bar = createProgress({ label: '  train pcsc', total: trainingIterations(profile) });
    trainLoss = trainDetector(profile, det, frames, seed, () => bar.tick());
    bar.done();
    log(
      `pcsc-bench tier 3: PCSC trained (${trainingSummary(profile)}, ${((Date.now() - started) / 1000).toFixed(0)} s, final loss ${trainLoss.toFixed(3)})`,
    );
    if (options.temporalRefinement ?? true) {
      const tr = trainActionness(profile, det, trunks, train, seed);
      classifiers = tr.classifiers;
      actionness = { samples: tr.samples, positives: tr.positives };
    }
    outcome = testVideos(det, trunks, test, profile.stacks, 'pcsc', classifiers);
  } finally {
    classifiers?.dispose();
    det.dispose();
    trunks.rgb.dispose();
    if (trunks.flow !== trunks.rgb) trunks.flow.dispose();
  }
  const stages = profile.stages;
  const frameMapByStage = Array.from(
    { length: stages + 1 },
    (_, t) => frameMaps(labels, outcome.runs, t)['0.5']!,
  );
  const frameMap = frameMaps(labels, outcome.runs, stages);
  const annotations = test.map((v) => v.annotation);
  const videoMap: PcscOnDatasetResult['videoMap'] = {};
  for (const [row, tubes] of Object.entries(outcome.tubes))
    videoMap[row as VideoRow] = videoMaps(labels, annotations, tubes);
  const wallSeconds = (Date.now() - t0) / 1000;
  const backendName = backendText(backend);
  const title = `PCSC on ${user.name} (tier 3, profile ${profile.name}, ${streams === 'rgb' ? 'RGB only' : 'RGB + flow'})`;
  const rowTitle: Partial<Record<VideoRow, string>> = {
    pcsc: 'PCSC',
    'pcsc+tr-split': 'PCSC + TR (split)',
    'pcsc+tr-ends': 'PCSC + TR (ends)',
  };
  const ious = TABLE_IOUS.map(String);
  const doc: ReportDocument = {
    title,
    blocks: [
      {
        kind: 'paragraph',
        text: `tubekit's CPU-sized PCSC (FPN on two ${S}×${S} trunks pretrained on your training videos, ${stages} cooperation stages with feature cooperation) trained and tested on your data — **${streamsText}**.`,
      },
      { kind: 'heading', level: 2, text: 'Setup' },
      {
        kind: 'table',
        table: {
          header: ['setting', 'value'],
          rows: [
            ...userSetupRows(
              user,
              `\`${user.root}\` (${rgbFrames.layouts['image-folder']} image folders, ${rgbFrames.layouts['video-file']} video files; RGB)`,
            ),
            [
              'flow',
              flowFrames && flow.path
                ? `\`${flow.path}\` (${flowFrames.layouts['image-folder']} image folders, ${flowFrames.layouts['video-file']} video files)`
                : `none — RGB only (looked for ${flow.looked.map((p) => `\`${p}\``).join(', ')})`,
            ],
            [
              'profile',
              `${profile.name} (key-centred stacks of ${describeStacks(profile.stacks)}, ${trainingSummary(profile)}, ${describeKeyFrames(profile.keyFrames)})`,
            ],
            ['seed', String(seed)],
            ['backend', backendName],
            ['convolutions', convolutions],
            ['wall time', `${wallSeconds.toFixed(1)} s`],
            ['training', `final loss ${trainLoss.toFixed(4)}`],
            [
              'temporal refinement',
              actionness
                ? `actionness classifiers on ${actionness.samples} boxes (${actionness.positives} positive) of tubes linked on ${Math.min(profile.actionness.videos, train.length)} training videos`
                : 'off',
            ],
            ['started', new Date(t0).toISOString()],
          ],
          align: ['left', 'left'],
        },
      },
      { kind: 'heading', level: 2, text: 'Frame-mAP@0.5 by stage (Table 5 layout, %)' },
      {
        kind: 'table',
        table: {
          header: frameMapByStage.map((_, t) => `stage ${t}`),
          rows: [frameMapByStage],
          align: frameMapByStage.map(() => 'right'),
        },
      },
      { kind: 'heading', level: 2, text: 'Detection (Tables 1–4 layout, %)' },
      {
        kind: 'paragraph',
        text: "Final stage; video-mAP after Singh's online linking, `act` protocol. The published rows are PCSC on UCF101-24 (with TR) and J-HMDB (without) — two-stream I3D, full training: reference points, not the same model or data.",
      },
      {
        kind: 'table',
        table: {
          header: ['', 'frame-mAP@0.5', ...ious.map((i) => `video-mAP@${i}`)],
          rows: [
            ...Object.entries(videoMap).map(([row, v]) => [
              `tubekit ${rowTitle[row as VideoRow]} (${user.name}, ${profile.name}, seed ${seed})`,
              row === 'pcsc' ? frameMap['0.5']! : null,
              ...ious.map((i) => v[i]!),
            ]),
            [
              'published PCSC + TR (UCF101-24)',
              PUBLISHED.table1.PCSC,
              ...PUBLISHED.table2['PCSC + TR'],
            ],
            ['published PCSC (J-HMDB)', PUBLISHED.table3.PCSC, ...PUBLISHED.table4.PCSC],
          ],
        },
      },
    ],
  };
  const setup = {
    ...userSetup(user),
    streams,
    flow: { root: flow.path, looked: flow.looked },
    frames: {
      size: S,
      rgb: rgbFrames.layouts,
      flow: flowFrames?.layouts,
    },
    profile: profile.name,
    seed,
    backend: backendName,
    convolutions,
    startedAt: new Date(t0).toISOString(),
    wallSeconds,
  };
  const { reportPath, htmlPath, jsonPath } = await writeReport(outDir, doc, {
    paper: 'PCSC (CVPR 2019)',
    tier: 3,
    setup,
    profileConfig: profile,
    results: { frameMapByStage, frameMap, videoMap, trainLoss, actionness },
  });
  summary(
    `pcsc-bench tier 3: ${user.name} (${streams === 'rgb' ? 'RGB only' : 'RGB + flow'}) frame-mAP ${frameMap['0.5']!.toFixed(1)}, video-mAP@0.5 ${videoMap.pcsc!['0.5']!.toFixed(1)} (profile ${profile.name}, ${wallSeconds.toFixed(0)} s, ${backendName}) — report: ${reportPath}`,
  );
  return {
    reportPath,
    htmlPath,
    jsonPath,
    streams,
    flow: { root: flow.path, looked: flow.looked },
    frameMapByStage,
    frameMap,
    videoMap,
    wallSeconds,
  };
}
