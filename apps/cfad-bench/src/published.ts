/**
 * The paper's numbers (CFAD, Li et al. ECCV 2020), transcribed in spec/cfad.md §4, printed beside
 * ours. UCF101-24 plays the dynamic preset's part, J-HMDB-21 the static one's.
 */
export const PAPER_TABLE1 = {
  'UCF101-24': {
    orders: [2, 3, 4, 5],
    rows: {
      'no refine': [46.0, 48.4, 51.6, 50.1],
      'σ=0.4': [57.5, 57.6, 58.8, 58.0],
      'σ=0.6': [59.9, 60.1, 61.7, 60.0],
      'σ=0.8': [60.3, 62.0, 62.7, 61.6],
    },
  },
  'J-HMDB-21': {
    orders: [1, 2, 3],
    rows: {
      'no refine': [79.7, 80.9, 80.3],
      'σ=0.4': [80.8, 82.5, 81.3],
      'σ=0.6': [81.4, 83.2, 82.4],
      'σ=0.8': [82.3, 83.7, 83.2],
    },
  },
} as const;

/** Table 2 (v-mAP, CFAD rows): J-HMDB at 0.2/0.5/0.75/0.5:0.95, UCF101-24 at 0.2/0.3/0.5/0.5:0.95. */
export const PAPER_TABLE2 = {
  'J-HMDB-21': {
    ious: ['0.2', '0.5', '0.75', '0.5:0.95'],
    rgb: [84.8, 83.7, 62.4, 51.8],
    flow: [86.8, 85.3, 63.8, 53.0],
  },
  'UCF101-24': {
    ious: ['0.2', '0.3', '0.5', '0.5:0.95'],
    rgb: [79.4, 76.7, 62.7, 25.5],
    flow: [81.6, 78.1, 64.6, 26.7],
  },
} as const;

/** Table 3 (frame-mAP@0.5, UCF101-24). */
export const PAPER_TABLE3 = { rgb: 69.7, flow: 72.5 } as const;

/** Fig. 6 / §4.3: CFAD's per-frame time (runtime per video ÷ T) and Singh et al.'s. */
export const PAPER_TIMING = { cfadMsPerFrame: 7.6, singhMsPerFrame: 25 } as const;
