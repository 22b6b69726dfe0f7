import { svgLinePlot } from './svg-plot';

/**
 * One class's precision-recall curve, as `@tubekit/metrics` returns it for a result computed
 * with `curves: true` (`ThresholdResult.classes[i]`): recall and precision after each ranked
 * detection, and the class AP (0…1, `null` without GT).
 */
export interface PRCurveClass {
  label: string;
  gt: number;
  ap: number | null;
  curve?: { precision: ArrayLike<number>; recall: ArrayLike<number> };
}

/** Options of {@link svgPrCurves}. */
export interface PRCurvesPlotOptions {
  title: string;
  width?: number;
  height?: number;
}

/**
 * Per-class precision-recall curves (recall on x, precision on y, both 0…1; one series per class
 * with GT, starting at recall 0; the class AP in the legend), drawn by the one plotter of
 * tubekit's reports, {@link svgLinePlot}. `@tubekit/metrics` computes the curves and has no
 * plotting of its own, so it stays free of this package; the CLI's `eval --pr-curves` calls this.
 *
 * @throws RangeError when no class carries a curve (evaluate with `curves: true` at one IoU).
 * @example
 * const r = frameMeanAP(gt, dets, { protocol: vocProtocol, curves: true });
 * const svg = svgPrCurves(r.results[0].classes, { title: 'PR @ 0.5' });
 */
export function svgPrCurves(
  classes: readonly PRCurveClass[],
  options: PRCurvesPlotOptions,
): string {
  if (!classes.some((c) => c.curve !== undefined))
    throw new RangeError(
      'svgPrCurves: the result has no PR curves; evaluate with curves: true at a single IoU',
    );
  const drawn = classes.filter((c) => c.curve !== undefined && c.gt > 0);
  return svgLinePlot({
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 420,
    xLabel: 'recall',
    yLabel: 'precision',
    xRange: [0, 1],
    yRange: [0, 1],
    xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1],
    series: drawn.map((c) => {
      const { precision, recall } = c.curve as NonNullable<PRCurveClass['curve']>;
      const points: Array<[number, number]> = [[0, precision.length > 0 ? precision[0] : 0]];
      for (let i = 0; i < precision.length; i++) points.push([recall[i], precision[i]]);
      const name = c.label.length > 22 ? `${c.label.slice(0, 21)}…` : c.label;
      return { name: `${name} ${c.ap === null ? '–' : (100 * c.ap).toFixed(2)}`, points };
    }),
  });
}
