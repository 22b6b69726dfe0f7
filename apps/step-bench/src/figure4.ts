import { svgLinePlot } from '@tubekit/report';

/** STEP Fig. 4 as data: the share (%) of proposals per IoU bin at each step's input. */
export interface Figure4 {
  /** Bin centres of the IoU histogram (bins of width 0.1 over [0, 1]). */
  bins: number[];
  /** Per step s (index s−1): % of proposals whose IoU with their best GT falls in each bin. */
  percentByStep: number[][];
  /** Per step: % of proposals with IoU ≥ 0.5 (the paper's reading of the figure). */
  atLeastHalf: number[];
}

/**
 * STEP Fig. 4 (Yang et al., CVPR 2019, §4.2): the distribution of the IoU between proposals and
 * ground truth at the input of each step — the paper's diagnostic that progression moves the
 * proposals towards the actors. `inputIoUByStep[s]` holds one mean per-frame IoU per proposal
 * and test clip (from `runModel`).
 *
 * @example
 * const fig = figure4Of([[0.1, 0.6], [0.4, 0.7]]); // fig.atLeastHalf = [50, 50]
 */
export function figure4Of(inputIoUByStep: number[][]): Figure4 {
  const bins = Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10);
  const percentByStep = inputIoUByStep.map((ious) => {
    const counts = new Array<number>(10).fill(0);
    for (const v of ious) counts[Math.min(9, Math.floor(v * 10))]++;
    return counts.map((c) => (100 * c) / Math.max(1, ious.length));
  });
  const atLeastHalf = inputIoUByStep.map(
    (ious) => (100 * ious.filter((v) => v >= 0.5).length) / Math.max(1, ious.length),
  );
  return { bins, percentByStep, atLeastHalf };
}

/** The SVG of {@link figure4Of}'s data: one histogram line per step. */
export function figure4Svg(fig: Figure4): string {
  return svgLinePlot({
    title: "Figure 4 — proposal–GT IoU at each step's input (tubekit, SynthTubes)",
    xLabel: 'IoU with the best-overlapping GT tube',
    yLabel: '% of proposals',
    xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    series: fig.percentByStep.map((values, s) => ({
      name: `step ${s + 1} input (${fig.atLeastHalf[s].toFixed(0)}% ≥ 0.5)`,
      points: values.map((v, i): [number, number] => [fig.bins[i], v]),
    })),
  });
}
