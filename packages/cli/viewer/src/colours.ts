import type { ViewOutcome } from '../../src/view/view-api';

/** An opaque RGB colour. */
export type Rgb = readonly [number, number, number];

/**
 * The colour of class `label`: hues a golden angle (137.5°) apart from 45° (label 0 is amber, not the red of false positives), so that neighbouring labels
 * differ and dozens of classes stay apart; saturation 85 %, lightness 60 %, as integer RGB.
 */
export function classColour(label: number): Rgb {
  const h = (((45 + label * 137.508) % 360) + 360) % 360;
  const s = 0.85;
  const l = 0.6;
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

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
