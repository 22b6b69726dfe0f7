/**
 * The published numbers of STEP (Yang, Yang, Liu, Kautz, Davis — "STEP: Spatio-Temporal
 * Progressive Learning for Video Action Detection", CVPR 2019), as data. UCF101-24 split 1,
 * frame-mAP@0.5 (%) unless said otherwise; VGG16 backbone, 11 initial proposals, 400×400 frames.
 *
 * Nothing here is computed: these are the values printed in the paper (Tables 1–3, Figure 5,
 * §4.2 "Miscellaneous", §4.3). Figure values read off a plot are marked `fromFigure`.
 */
export const PUBLISHED = {
  source: 'Yang et al., STEP, CVPR 2019 (arXiv:1904.09288)',
  dataset: 'UCF101-24 split 1 (Tables 1–2, Fig. 5–6), AVA v2.1 (Table 3)',
  /** Table 1(a): frame-mAP at step s (row index s−1) of a model trained with Smax steps (key). */
  table1a: {
    1: [51.5],
    2: [56.6, 60.7],
    3: [57.1, 61.8, 62.6],
    4: [58.2, 62.1, 62.8, 62.7],
  } as Record<1 | 2 | 3 | 4, number[]>,
  /** Table 1(b): modality and fusion (3 steps, with temporal extension). */
  table1b: { rgb: 66.7, flow: 63.5, late: 70.7, early: 74.3, hybrid: 75.0 },
  /**
   * Figure 5: temporal extension. The paper prints no numbers for this bar chart; only the
   * ordering is stated in the text (§4.2), so the values are `null` and the claims carry it.
   */
  figure5: { k6: null, k30: null, extrapolation: null, anticipation: null } as Record<
    'k6' | 'k30' | 'extrapolation' | 'anticipation',
    number | null
  >,
  /** §4.2 Miscellaneous: frame-mAP drop (points) when one technique is removed. */
  ablations: { sceneContext: -2.5, hardAwareSampling: -1.5, increasingIoU: -1.0 },
  /** §4.3: fps of early fusion, 11 proposals, 3 steps, one GPU; ACT 23 fps, MR-TS 4 fps. */
  runtime: { stepFps: 21, actFps: 23, mrTsFps: 4 },
  /** Table 2 (UCF101-24): frame-mAP@0.5 and video-mAP at δ = 0.05 / 0.1 / 0.2. */
  table2: {
    frameMap: 75.0,
    videoMap: { 0.05: 84.6, 0.1: 83.1, 0.2: 76.6 } as Record<number, number>,
  },
  /** Table 3 (AVA v2.1 frame-mAP@0.5); the public code reaches 20.2. Not reproducible here (no AVA video). */
  table3: { ava: 18.6, avaPublicCode: 20.2 },
} as const;

/** The paper's claims, as checked by the report (ids are stable keys of the JSON report). */
export const CLAIMS = {
  'table1a.later-steps-beat-earlier': 'Later steps beat earlier ones (Table 1(a), every Smax)',
  'table1a.more-steps-lift-early-steps':
    'Training with more steps also lifts the early steps (step 1 of Smax>1 ≥ Smax=1)',
  'table1a.saturation-after-3': 'Performance saturates after 3 steps (Smax=4 final ≈ Smax=3 final)',
  'table1b.two-streams-beat-one': 'Every fusion beats both single modalities',
  'table1b.early-beats-late': 'Early fusion beats late fusion',
  'table1b.hybrid-best': 'Hybrid fusion is the best mode',
  'figure5.extensions-beat-k6': 'Both temporal extensions beat the K=6 baseline',
  'figure5.k30-direct-worse': 'Taking K=30 frames directly is worse than extending 6→18→30',
  'figure5.anticipation-ge-extrapolation': 'Anticipation ≥ extrapolation',
  'ablation.scene-context-helps': 'Removing scene context costs frame-mAP (paper: −2.5)',
  'ablation.hard-aware-sampling-helps':
    'Removing hard-aware sampling costs frame-mAP (paper: −1.5)',
  'ablation.increasing-iou-helps':
    'Removing increasing IoU thresholds costs frame-mAP (paper: −1.0)',
  'figure6.fps-falls-with-steps': 'Inference fps falls as steps are added, more so with extension',
  'figure6.more-proposals-more-map-less-fps':
    'More initial proposals raise frame-mAP and lower fps',
} as const;

/** A claim id of {@link CLAIMS}. */
export type StepClaimId = keyof typeof CLAIMS;
