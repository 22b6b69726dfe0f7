/**
 * The PCSC paper's own numbers (Su et al. CVPR 2019; spec §4, where the garbled tables were
 * reconstructed). Rows quoted as printed, typos included (spec pitfall 8).
 */
export const PUBLISHED = {
  /** Table 1: UCF101-24 frame-mAP@0.5. */
  table1: { 'Faster R-CNN + FPN': 75.5, PCSC: 79.2 },
  /** Table 2: UCF101-24 video-mAP at 0.2 / 0.5 / 0.75 / 0.5:0.95. */
  table2: {
    'Faster R-CNN + FPN': [80.1, 53.2, 15.9, 23.7],
    'PCSC + TR': [84.3, 61.0, 23.0, 27.8],
  },
  /** Table 3: J-HMDB frame-mAP@0.5. */
  table3: { 'Faster R-CNN + FPN': 70.2, PCSC: 74.8 },
  /** Table 4: J-HMDB video-mAP (no TR). */
  table4: {
    'Faster R-CNN + FPN': [79.1, 78.5, 57.2, 47.6],
    PCSC: [82.6, 82.2, 63.1, 52.8],
  },
  /** Table 5: mini-UCF-101-24, stages 0…4 (frame-mAP@0.5 inferred). */
  table5: {
    'PCSC w/o feature cooperation': [72.7, 73.3, 73.5, 73.9, 73.9],
    PCSC: [75.7, 76.1, 76.4, 76.6, 76.7],
  },
  /** Table 6: mini-UCF-101-24 video-mAP@0.5. */
  table6: { 'Faster R-CNN + FPN': 53.2, PCSC: 55.8, 'PCSC + TR': 59.4 },
} as const;
