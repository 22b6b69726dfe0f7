import type { ViewOutcome } from '../../src/view/view-api';

/** An opaque RGB colour. */
export type Rgb = readonly [number, number, number];

/** Class colours: label `c` is drawn in `CLASS_COLOURS[c % 12]`. */
export const CLASS_COLOURS: readonly Rgb[] = [
  [255, 214, 0],
  [0, 200, 255],
  [255, 64, 160],
  [120, 255, 80],
  [255, 140, 0],
  [180, 120, 255],
  [0, 255, 200],
  [255, 100, 100],
  [160, 200, 255],
  [220, 255, 120],
  [255, 170, 220],
  [140, 160, 60],
];

/** The colour of class `label`. */
export const classColour = (label: number): Rgb =>
  CLASS_COLOURS[((label % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length]!;

/** CSS form of a colour. */
export const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;

/** The short tag and the colour of each outcome (true positives green, duplicates orange, false positives red). */
export const OUTCOMES: Record<ViewOutcome, { tag: string; title: string; colour: Rgb }> = {
  truePositive: { tag: 'TP', title: 'true positive', colour: [46, 204, 64] },
  duplicate: {
    tag: 'DUP',
    title: 'duplicate: its GT was matched by a higher-scored detection',
    colour: [255, 133, 27],
  },
  localization: {
    tag: 'FP',
    title: 'false positive: its class is here, IoU below the threshold',
    colour: [230, 40, 40],
  },
  wrongClass: {
    tag: 'FP',
    title: 'false positive: overlaps a GT of another class',
    colour: [230, 40, 40],
  },
  timing: {
    tag: 'FP',
    title: 'false positive: its class is in the video, not on this frame',
    colour: [230, 40, 40],
  },
  other: { tag: 'FP', title: 'false positive: background', colour: [230, 40, 40] },
  suppressed: {
    tag: 'NMS',
    title: "removed by the protocol's tube NMS before matching",
    colour: [120, 120, 120],
  },
  ignored: {
    tag: '–',
    title: 'not evaluated by this protocol (e.g. a frame without GT under yowo)',
    colour: [120, 120, 120],
  },
};
