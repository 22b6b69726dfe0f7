import { ORDER_MIN_SEGMENT } from '@tubekit/datasets';
import {
  allClaims,
  CLAIM_MIN_SEEDS,
  CLAIM_RULE,
  type ClaimResult,
  checkClaim,
  classApTable,
  formatMeanStd,
  type ReportBlock,
  type ReportDocument,
  svgBarPlot,
  svgLinePlot,
} from '@tubekit/report';
import { TRIMMING_TARGET_IOU } from './evaluate';
import { orderClassesApart } from './order-classes';
import { CLAIMS, PUBLISHED, type StepClaimId } from './published';
import { meanOverSeeds } from './seed-mean';
import type { ByClassColumn, StepResults } from './step-results';
import type { DisplacementRow } from './tier2-displacement';

type Pick = (r: StepResults) => number;

/**
 * Checks every STEP claim of reproduction.md against our runs, one {@link StepResults} per seed,
 * with `@tubekit/report`'s rule (`CLAIM_RULE`: decided on ≥ 3 seeds; holds when the margin
 * exceeds 2 standard errors, fails below minus them, undecided in between). "≥" claims allow a 0.5-point tolerance; "saturation" means the 4th step changes the
 * final mAP by at most 1.5 points. "More steps lift the early steps" needs a strict gain.
 */
export function checkStepClaims(runs: readonly StepResults[]): ClaimResult[] {
  const c = (
    id: StepClaimId,
    left: [string, Pick],
    relation: '>' | '>=' | '<' | '<=' | '≈',
    right: [string, Pick],
    tolerance?: number,
  ): ClaimResult =>
    checkClaim({
      id,
      statement: CLAIMS[id],
      left: { label: left[0], values: runs.map(left[1]) },
      relation,
      right: { label: right[0], values: runs.map(right[1]) },
      tolerance,
    });
  const smaxes = ['2', '3', '4'] as const;
  const last =
    (smax: '1' | '2' | '3' | '4'): Pick =>
    (r) =>
      r.table1a[smax][r.table1a[smax].length - 1];
  const fusions = ['late', 'early', 'hybrid'] as const;
  const p0 = runs[0].figure6b;
  const [firstP, lastP] = [0, p0.length - 1];
  return [
    allClaims(
      'table1a.later-steps-beat-earlier',
      CLAIMS['table1a.later-steps-beat-earlier'],
      smaxes.map((smax) =>
        c('table1a.later-steps-beat-earlier', [`Smax=${smax} s=${smax}`, last(smax)], '>', [
          `Smax=${smax} s=1`,
          (r) => r.table1a[smax][0],
        ]),
      ),
    ),
    allClaims(
      'table1a.more-steps-lift-early-steps',
      CLAIMS['table1a.more-steps-lift-early-steps'],
      smaxes.map((smax) =>
        c(
          'table1a.more-steps-lift-early-steps',
          [`Smax=${smax} s=1`, (r) => r.table1a[smax][0]],
          '>',
          ['Smax=1 s=1', (r) => r.table1a['1'][0]],
        ),
      ),
    ),
    c(
      'table1a.saturation-after-3',
      ['Smax=4 final', last('4')],
      '≈',
      ['Smax=3 final', last('3')],
      1.5,
    ),
    allClaims(
      'table1b.two-streams-beat-one',
      CLAIMS['table1b.two-streams-beat-one'],
      fusions.flatMap((m) => [
        c('table1b.two-streams-beat-one', [m, (r) => r.table1b[m]], '>', [
          'RGB',
          (r) => r.table1b.rgb,
        ]),
        c('table1b.two-streams-beat-one', [m, (r) => r.table1b[m]], '>', [
          'flow',
          (r) => r.table1b.flow,
        ]),
      ]),
    ),
    c('table1b.early-beats-late', ['early', (r) => r.table1b.early], '>', [
      'late',
      (r) => r.table1b.late,
    ]),
    allClaims('table1b.hybrid-best', CLAIMS['table1b.hybrid-best'], [
      c('table1b.hybrid-best', ['hybrid', (r) => r.table1b.hybrid], '>=', [
        'early',
        (r) => r.table1b.early,
      ]),
      c('table1b.hybrid-best', ['hybrid', (r) => r.table1b.hybrid], '>=', [
        'late',
        (r) => r.table1b.late,
      ]),
    ]),
    allClaims('figure5.extensions-beat-k6', CLAIMS['figure5.extensions-beat-k6'], [
      c('figure5.extensions-beat-k6', ['extrapolation', (r) => r.figure5.extrapolation], '>', [
        'K=6',
        (r) => r.figure5.k6,
      ]),
      c('figure5.extensions-beat-k6', ['anticipation', (r) => r.figure5.anticipation], '>', [
        'K=6',
        (r) => r.figure5.k6,
      ]),
    ]),
    allClaims('figure5.k30-direct-worse', CLAIMS['figure5.k30-direct-worse'], [
      c('figure5.k30-direct-worse', ['K=30 direct', (r) => r.figure5.k30], '<', [
        'extrapolation',
        (r) => r.figure5.extrapolation,
      ]),
      c('figure5.k30-direct-worse', ['K=30 direct', (r) => r.figure5.k30], '<', [
        'anticipation',
        (r) => r.figure5.anticipation,
      ]),
    ]),
    c(
      'figure5.anticipation-ge-extrapolation',
      ['anticipation', (r) => r.figure5.anticipation],
      '>=',
      ['extrapolation', (r) => r.figure5.extrapolation],
      0.5,
    ),
    c('ablation.scene-context-helps', ['full', (r) => r.ablations.full], '>', [
      'no scene context',
      (r) => r.ablations.noSceneContext,
    ]),
    c('ablation.hard-aware-sampling-helps', ['full', (r) => r.ablations.full], '>', [
      'uniform sampling',
      (r) => r.ablations.uniformSampling,
    ]),
    c('ablation.increasing-iou-helps', ['full', (r) => r.ablations.full], '>', [
      'constant IoU',
      (r) => r.ablations.constantIoU,
    ]),
    allClaims('figure6.fps-falls-with-steps', CLAIMS['figure6.fps-falls-with-steps'], [
      c('figure6.fps-falls-with-steps', ['3 steps', (r) => r.figure6a.fpsNoExtension[2]], '<', [
        '1 step',
        (r) => r.figure6a.fpsNoExtension[0],
      ]),
      c('figure6.fps-falls-with-steps', ['3 steps + ext', (r) => r.figure6a.fpsExtension[2]], '<', [
        '3 steps',
        (r) => r.figure6a.fpsNoExtension[2],
      ]),
    ]),
    allClaims(
      'figure6.more-proposals-more-map-less-fps',
      CLAIMS['figure6.more-proposals-more-map-less-fps'],
      [
        c(
          'figure6.more-proposals-more-map-less-fps',
          [`${p0[lastP].proposals} proposals mAP`, (r) => r.figure6b[lastP].frameMap],
          '>',
          [`${p0[firstP].proposals} proposals mAP`, (r) => r.figure6b[firstP].frameMap],
        ),
        c(
          'figure6.more-proposals-more-map-less-fps',
          [`${p0[lastP].proposals} proposals fps`, (r) => r.figure6b[lastP].fps],
          '<',
          [`${p0[firstP].proposals} proposals fps`, (r) => r.figure6b[firstP].fps],
        ),
      ],
    ),
  ];
}

/** Metadata printed in the report's header and stored in the JSON. */
export interface StepRunInfo {
  profile: string;
  tier: string;
  seeds: { dataset: number; models: number[] };
  backend: string;
  /**
   * Where this invocation ran the trunk's convolutions (`selectConvolutions`: `wasm`, or
   * `onnxruntime (onnxruntime-node <version>, 1 thread)`); each choice has its own cached results.
   */
  convolutions: string;
  wallSeconds: number;
  startedAt: string;
  dataset: string;
  /**
   * Iterations of the classifier pretrained per stream on the frozen trunk, which every model's
   * heads start from (`storedClassifier`; 0: the heads start from their seeded initialisation).
   */
  classifierIterations: number;
  /** Stream of the single-stream experiments (STEP: RGB) and why, when it is not RGB. */
  baseStream: { stream: 'rgb' | 'flow'; note?: string };
  /**
   * The dataset's classes that differ from their pair only in the order of two sub-actions
   * (`orderClassesOf`; none before SynthTubes' `-v2` presets): set apart in the per-class table.
   */
  orderClasses: string[];
  resumed: string[];
  /**
   * Models without a result (a queued job that failed twice): their cells read `–`, and the
   * report lists them with the error.
   */
  missing?: Array<{ id: string; seed: number; error: string }>;
  /** One row per model and seed. */
  models: Array<{
    id: string;
    seed: number;
    trainSeconds: number;
    testSeconds: number;
    finalLoss: number;
    iterations: number;
  }>;
  /** How Figure 6's fps were timed (after training, alone; or in the training jobs, and why). */
  fpsTiming?: string;
}

/** Frame-mAP (%) below which the report warns that the claim checks compare numbers near the noise. */
export const NOISE_FLOOR_MAP = 5;

function noiseWarning(r: StepResults): ReportBlock[] {
  const all = [
    ...Object.values(r.table1a).flat(),
    ...Object.values(r.table1b),
    ...Object.values(r.figure5),
    ...Object.values(r.ablations),
  ].filter(Number.isFinite);
  const best = all.length ? Math.max(...all) : Number.NaN;
  if (!(best < NOISE_FLOOR_MAP)) return [];
  return [
    {
      kind: 'note',
      text: `⚠ Every frame-mAP of this run is below ${NOISE_FLOOR_MAP}% (best ${best.toFixed(2)}%): within this profile's training budget the models learned little, so the comparisons below are between numbers near zero. Use a longer profile (\`full\`).`,
    },
  ];
}

/** Column titles of the per-class table, in its order. */
const BY_CLASS_TITLES: Record<ByClassColumn, (stream: string) => string> = {
  k6: (s) => `${s}, K = 6`,
  k30: (s) => `${s}, K = 30 input`,
  extrapolation: (s) => `${s}, extrapolation`,
  anticipation: (s) => `${s}, anticipation`,
  flow: () => 'flow',
  hybrid: () => 'hybrid fusion',
};

/**
 * "Frame-AP@0.5 by class": Figure 5's variants, flow and hybrid fusion class by class, the
 * order classes set apart. Nothing when no seed measured it.
 */
function byClassBlocks(
  runs: readonly StepResults[],
  info: StepRunInfo,
  stream: string,
): ReportBlock[] {
  const columns = Object.keys(BY_CLASS_TITLES) as ByClassColumn[];
  const classes = Object.keys(
    runs.flatMap((r) => columns.map((c) => r.byClass[c])).find((x) => Object.keys(x).length) ?? {},
  );
  if (classes.length === 0) return [];
  const order = info.orderClasses;
  return [
    { kind: 'heading', level: 2, text: 'Frame-AP@0.5 by class' },
    {
      kind: 'paragraph',
      text:
        order.length > 0
          ? `Where each model's frame-mAP is lost, and whether temporal extension helps the classes that need it. The ${order.length} order classes (${order.join(', ')}) differ from their pair only in which of two sub-actions comes first, each lasting at least ${ORDER_MIN_SEGMENT} frames: a clip of K = 6 inside one sub-action cannot tell the pair apart, a tube extended to 30 frames can. A cell reads – where a model's cached result predates this table and kept no tubelets.`
          : "Where each model's frame-mAP is lost, class by class. A cell reads – where a model's cached result predates this table and kept no tubelets.",
    },
    {
      kind: 'table',
      table: classApTable(
        columns.map((c) => ({
          title: BY_CLASS_TITLES[c](stream),
          seeds: runs.map((r) => r.byClass[c]),
        })),
        { classes, apart: orderClassesApart(classes, order) },
      ),
    },
  ];
}

/** What Table 2's rows mean and what the trimmer's calibration was fit on, per seed. */
export function trimmingCalibrationText(runs: readonly StepResults[]): string {
  const fits = runs.map((x, i) =>
    x.table2.calibration
      ? `${runs.length > 1 ? `seed run ${i + 1}: ` : ''}a = ${x.table2.calibration.a.toFixed(2)}, b = ${x.table2.calibration.b.toFixed(2)}, fit on ${x.table2.calibration.frames} tube frames (${x.table2.calibration.actionFrames} on an acting actor) of ${x.table2.calibration.videos} training videos`
      : `${runs.length > 1 ? `seed run ${i + 1}: ` : ''}none (no tube linked on the calibration videos, or a fusion model missing): the trimmer read the scores as they are`,
  );
  return (
    "Saha et al.'s two-state DP labels a frame as action where the tube's score beats 1 − score, so it needs probabilities; " +
    "the first tubekit row trims scores calibrated by Platt scaling, p = σ(a · ln s + b), fit on the hybrid fusion's linked tubes of training videos (never the test videos), " +
    `each frame's target being the trimmer's "action" state: the tube's box overlaps a GT box, an actor acting then, at IoU ≥ ${TRIMMING_TARGET_IOU} (whatever the class: the tube's score ranks its class). ` +
    `The second trims the raw scores, the third does not trim. Calibration: ${fits.join('; ')}.`
  );
}

/**
 * The STEP report as a document (rendered to `report.md` and `report.html`) in the paper's
 * layout: published / tubekit side by side, tubekit cells as mean ± standard deviation over the
 * profile's seeds, the claims with the rule that decides them, and the figures.
 */
export function stepReport(
  runs: readonly StepResults[],
  claims: ClaimResult[],
  info: StepRunInfo,
): ReportDocument {
  const r = meanOverSeeds(runs);
  const ms = (pick: (x: StepResults) => number) => formatMeanStd(runs.map(pick));
  const pair = (pub: number | null | undefined, pick: (x: StepResults) => number) =>
    `${pub === null || pub === undefined ? '–' : pub.toFixed(1)} / ${ms(pick)}`;
  const n = info.seeds.models.length;
  const tag = `tubekit (${info.tier}, ${info.profile}, ${n === 1 ? `seed ${info.seeds.models[0]}` : `${n} seeds`})`;
  const stream = info.baseStream.stream === 'rgb' ? 'RGB' : 'flow';
  const P = PUBLISHED;
  const counts = { holds: 0, fails: 0, undecided: 0 };
  for (const x of claims) counts[x.status]++;
  const figures = stepFigures(r);
  const figure = (file: string, caption: string): ReportBlock[] =>
    figures[file] ? [{ kind: 'figure', file, svg: figures[file], caption }] : [];
  const h2 = (text: string): ReportBlock => ({ kind: 'heading', level: 2, text });
  const p = (text: string): ReportBlock => ({ kind: 'paragraph', text });
  const blocks: ReportBlock[] = [
    p(
      `Published: ${P.source}, ${P.dataset}. Ours: ${info.dataset}. Every cell reads **published / ${tag}**, ours as mean ± standard deviation over seeds ${info.seeds.models.join(', ')}; frame-mAP@0.5 (%) under the \`act\` protocol unless said otherwise. The absolute numbers are not comparable (different data, a CPU-sized model trained for minutes); the *claims* — directions — are what is checked.`,
    ),
    p(
      `Profile **${info.profile}** · backend **${info.backend}** · convolutions **${info.convolutions}** · wall time of this invocation **${info.wallSeconds.toFixed(0)} s**` +
        ` (training + testing of ${info.models.length} model runs: ${info.models.reduce((a, m) => a + m.trainSeconds + m.testSeconds, 0).toFixed(0)} s) · started ${info.startedAt}` +
        ` · dataset seed ${info.seeds.dataset}, model/training seeds ${info.seeds.models.join(', ')}` +
        (info.classifierIterations > 0
          ? ` · every model's heads start from a classifier pretrained per stream on the frozen trunk (${info.classifierIterations} iterations; tubekit's stand-in for the paper's ImageNet-initialised layers)`
          : ' · the heads start from their seeded initialisation') +
        (info.resumed.length
          ? ` · resumed from checkpoints/results: ${info.resumed.join(', ')}`
          : ''),
    ),
    ...(info.baseStream.note
      ? [
          {
            kind: 'note',
            text: `Single-stream experiments (Table 1(a), Figure 5, ablations, Figure 6) use the **${stream}** stream (paper: RGB): ${info.baseStream.note}`,
          } as ReportBlock,
        ]
      : []),
    ...noiseWarning(r),
    ...(info.missing?.length
      ? [
          h2('Missing models'),
          p(
            'These models have no result (their jobs failed twice); every cell that needs them reads `–`.',
          ),
          {
            kind: 'table',
            table: {
              header: ['model', 'seed', 'error'],
              rows: info.missing.map((m) => [m.id, String(m.seed), m.error]),
            },
          } as ReportBlock,
        ]
      : []),
    h2('Claims'),
    p(CLAIM_RULE),
    { kind: 'claims', claims },
    p(
      `**${counts.holds} of ${claims.length} claims hold**, ${counts.fails} do not, ${counts.undecided} undecided${n < CLAIM_MIN_SEEDS ? ` (this profile trains ${n} seed${n === 1 ? '' : 's'}; the \`full\` profile trains ${CLAIM_MIN_SEEDS})` : ''}.`,
    ),
    h2(
      `Table 1(a) — frame-mAP by step s (columns) for models trained with Smax steps (rows); no temporal extension, ${stream}`,
    ),
    {
      kind: 'table',
      table: {
        header: ['Smax \\ s', '1', '2', '3', '4'],
        rows: (['1', '2', '3', '4'] as const).map((smax) => [
          smax,
          ...[0, 1, 2, 3].map((i) =>
            i < Number(smax)
              ? pair(P.table1a[Number(smax) as 1 | 2 | 3 | 4][i], (x) => x.table1a[smax][i])
              : '–',
          ),
        ]),
      },
    },
    ...figure('table1a.svg', 'Table 1(a) as a plot: frame-mAP by step, one line per Smax'),
    p(
      "In STEP all steps fine-tune one shared VGG16 backbone, which is how extra steps can lift step 1. If tubekit's model trains step 1 identically whatever Smax (same seed, same samples, nothing shared with later steps), its column repeats and the claim that more steps lift the early steps cannot hold.",
    ),
    h2('Table 1(b) — modality and fusion (3 steps, anticipation)'),
    {
      kind: 'table',
      table: {
        header: ['Mode', 'published', 'tubekit'],
        rows: (
          [
            ['RGB', 'rgb'],
            ['Flow', 'flow'],
            ['Late fusion', 'late'],
            ['Early fusion', 'early'],
            ['Hybrid fusion', 'hybrid'],
          ] as const
        ).map(([label, k]) => [label, P.table1b[k], ms((x) => x.table1b[k])]),
      },
    },
    h2(`Figure 5 — temporal extension (${stream}, 3 steps)`),
    p('The paper prints this figure without numbers; its text states the ordering checked above.'),
    {
      kind: 'table',
      table: {
        header: ['Variant', 'published', 'tubekit'],
        rows: (
          [
            ['K = 6 (no extension)', 'k6'],
            ['K = 30 input (no extension)', 'k30'],
            ['Extrapolation 6→18→30 (Eq. 4)', 'extrapolation'],
            ['Anticipation 6→18→30 (Eq. 5)', 'anticipation'],
          ] as const
        ).map(([label, k]) => [label, null, ms((x) => x.figure5[k])]),
      },
    },
    ...figure('figure5.svg', 'Figure 5: frame-mAP per temporal-extension variant (seed mean)'),
    ...byClassBlocks(runs, info, stream),
    h2(`Ablations (§4.2 "Miscellaneous") — one technique removed from the 3-step ${stream} model`),
    {
      kind: 'table',
      table: {
        header: ['Removed', 'published Δ', 'tubekit frame-mAP', 'tubekit Δ'],
        rows: [
          ['nothing (full)', null, ms((x) => x.ablations.full), null],
          ...(
            [
              ['scene context', 'sceneContext', 'noSceneContext'],
              ['hard-aware sampling', 'hardAwareSampling', 'uniformSampling'],
              ['increasing IoU thresholds', 'increasingIoU', 'constantIoU'],
            ] as const
          ).map(([label, pub, k]) => [
            label,
            P.ablations[pub],
            ms((x) => x.ablations[k]),
            ms((x) => x.ablations[k] - x.ablations.full),
          ]),
        ],
      },
    },
    h2('Figure 6 — runtime'),
    p(
      `Published: ${P.runtime.stepFps} fps (early fusion, 11 proposals, 3 steps, one GPU, VGG16 at 400×400); ACT ${P.runtime.actFps} fps, MR-TS ${P.runtime.mrTsFps} fps. Ours: on ${info.backend} (CPU), frames read from memory — fps are not comparable in absolute terms. Timed ${info.fpsTiming ?? 'in the training jobs'}.`,
    ),
    {
      kind: 'table',
      table: {
        header: ['steps', 'fps, no extension', 'fps, with extension (anticipation)'],
        rows: r.figure6a.steps.map((s, i) => [
          String(s),
          ms((x) => x.figure6a.fpsNoExtension[i]),
          ms((x) => x.figure6a.fpsExtension[i]),
        ]),
      },
    },
    ...figure('figure6a.svg', 'Figure 6(a): inference speed vs steps'),
    {
      kind: 'table',
      table: {
        header: ['initial proposals', 'frame-mAP (tubekit)', 'fps (tubekit)'],
        rows: r.figure6b.map((v, i) => [
          String(v.proposals),
          ms((x) => x.figure6b[i].frameMap),
          ms((x) => x.figure6b[i].fps),
        ]),
      },
    },
    ...figure('figure6b.svg', 'Figure 6(b): frame-mAP vs number of initial proposals'),
    h2('Table 2 — comparison (UCF101-24 published; SynthTubes ours), hybrid fusion'),
    p(
      `Video-mAP under the **act** protocol (spatio-temporal tube IoU, ACT evaluator), tubes from ${r.table2.linking}.`,
    ),
    {
      kind: 'table',
      table: {
        header: [
          'Method',
          'frame-mAP 0.5',
          'video-mAP 0.05',
          'video-mAP 0.1',
          'video-mAP 0.2',
          'video-mAP 0.5',
        ],
        rows: [
          [
            'STEP (published)',
            P.table2.frameMap,
            P.table2.videoMap[0.05],
            P.table2.videoMap[0.1],
            P.table2.videoMap[0.2],
            null,
          ],
          ...(
            [
              [tag, 'videoMap'],
              [`${tag}, trimming the uncalibrated scores`, 'videoMapUncalibrated'],
              [`${tag}, linking without trimming`, 'videoMapLinkingOnly'],
            ] as const
          ).map(([label, k]) => [
            label,
            ms((x) => x.table2.frameMap),
            ...['0.05', '0.1', '0.2', '0.5'].map((d) => ms((x) => x.table2[k][d])),
          ]),
        ],
      },
    },
    p(trimmingCalibrationText(runs)),
    p(
      `Table 3 (AVA v2.1, published ${P.table3.ava}; ${P.table3.avaPublicCode} with the public code) needs AVA videos and an I3D backbone: tier 3 only (see apps/step-bench/README.md).`,
    ),
    h2('Tier 2 — spatial displacement of real GT tubes (no video)'),
    p(
      'IoU of the GT box at t with the box at t+Δ (a cuboid replicated from frame t), and of the Eq. 4 linear extrapolation from frames t−5…t (K = 6) with the box at t+Δ. "recovered" = share of the lost overlap that extrapolation wins back (negative: extrapolating the raw annotation loses overlap).',
    ),
  ];
  for (const [name, t2] of Object.entries(r.tier2)) {
    blocks.push({ kind: 'heading', level: 3, text: name });
    if ('unavailable' in t2) {
      blocks.push(p(`Not available: ${t2.unavailable}`));
      continue;
    }
    blocks.push({
      kind: 'table',
      table: {
        header: [
          'Δ (frames)',
          'pairs',
          'IoU static',
          'IoU extrapolated',
          'recovered',
          'static IoU<0.5',
          'extrapolated IoU<0.5',
        ],
        rows: t2.rows.map((x) => [
          String(x.delta),
          String(x.pairs),
          x.staticIoU.toFixed(3),
          x.extrapolatedIoU.toFixed(3),
          `${(100 * x.recovered).toFixed(1)}%`,
          `${(100 * x.staticBelowHalf).toFixed(1)}%`,
          `${(100 * x.extrapolatedBelowHalf).toFixed(1)}%`,
        ]),
      },
    });
  }
  blocks.push(
    ...figure('tier2-displacement.svg', 'Tier 2: IoU(box at t, box at t+Δ) on real GT'),
    h2('Models'),
    {
      kind: 'table',
      table: {
        header: ['model', 'seed', 'iterations', 'final loss', 'train s', 'test s'],
        rows: info.models.map((m) => [
          m.id,
          String(m.seed),
          String(m.iterations),
          // NaN (null once cached as JSON) when a run resumed from a finished checkpoint
          Number.isFinite(m.finalLoss) ? m.finalLoss.toFixed(3) : '— (resumed, no iterations)',
          m.trainSeconds.toFixed(1),
          m.testSeconds.toFixed(1),
        ]),
      },
    },
  );
  return {
    title:
      'STEP — Spatio-Temporal Progressive Learning for Video Action Detection (CVPR 2019), reproduced',
    blocks,
  };
}

/** The report's SVG figures (of the seed-mean results), by file name. */
export function stepFigures(r: StepResults): Record<string, string> {
  const figs: Record<string, string> = {
    'figure5.svg': svgBarPlot({
      title: 'Figure 5 — temporal extension (tubekit, SynthTubes)',
      yLabel: 'frame-mAP@0.5 (%)',
      categories: ['K=6', 'K=30', 'extrapolation', 'anticipation'],
      series: [
        {
          name: 'tubekit',
          values: [r.figure5.k6, r.figure5.k30, r.figure5.extrapolation, r.figure5.anticipation],
        },
      ],
    }),
    'figure6a.svg': svgLinePlot({
      title: 'Figure 6(a) — inference speed vs steps',
      xLabel: 'steps',
      yLabel: 'fps',
      series: [
        {
          name: 'w/o temporal extension',
          points: r.figure6a.steps.map((s, i) => [s, r.figure6a.fpsNoExtension[i]]),
        },
        {
          name: 'with temporal extension',
          points: r.figure6a.steps.map((s, i) => [s, r.figure6a.fpsExtension[i]]),
        },
      ],
    }),
    'figure6b.svg': svgLinePlot({
      title: 'Figure 6(b) — frame-mAP vs number of initial proposals',
      xLabel: 'initial proposals',
      yLabel: 'frame-mAP@0.5 (%)',
      series: [
        { name: 'tubekit frame-mAP', points: r.figure6b.map((x) => [x.proposals, x.frameMap]) },
      ],
    }),
    'table1a.svg': svgLinePlot({
      title: 'Table 1(a) — frame-mAP by step',
      xLabel: 'step s',
      yLabel: 'frame-mAP@0.5 (%)',
      // The step-1 values of every Smax are often equal: dodged lines and distinct markers keep
      // all four visible.
      dodge: 8,
      xTicks: [1, 2, 3, 4],
      series: (['1', '2', '3', '4'] as const).map((smax) => ({
        name: `Smax=${smax}`,
        points: r.table1a[smax].map((v, i) => [i + 1, v] as [number, number]),
      })),
    }),
  };
  const t2: Array<[string, DisplacementRow[]]> = [];
  for (const [name, v] of Object.entries(r.tier2)) if ('rows' in v) t2.push([name, v.rows]);
  if (t2.length)
    figs['tier2-displacement.svg'] = svgLinePlot({
      title: 'Tier 2 — IoU(box at t, box at t+Δ) on real GT',
      xLabel: 'Δ (frames)',
      yLabel: 'mean IoU',
      yRange: [0, 1],
      series: t2.flatMap(([name, v]) => [
        {
          name: `${name} static`,
          points: v.map((x) => [x.delta, x.staticIoU] as [number, number]),
        },
        {
          name: `${name} Eq. 4`,
          points: v.map((x) => [x.delta, x.extrapolatedIoU] as [number, number]),
        },
      ]),
    });
  return figs;
}
