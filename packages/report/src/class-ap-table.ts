import { formatMeanStd } from './claim';
import type { MarkdownTableOptions } from './markdown-table';

/** One column of {@link classApTable}: what one model measured, one record per seed. */
export interface ClassApColumn {
  title: string;
  /** Per seed, AP (%) keyed by class name; `undefined` where a seed did not measure it. */
  seeds: ReadonlyArray<Readonly<Record<string, number>> | undefined>;
}

/** Options of {@link classApTable}. */
export interface ClassApTableOptions {
  /** The classes, in row order. */
  classes: readonly string[];
  /**
   * Classes set apart (e.g. SynthTubes' order classes): their rows' names take `mark`, and a last
   * row gives the mean over the other classes, titled `meanTitle`. Ignored when empty.
   */
  apart?: { classes: readonly string[]; mark: string; meanTitle: string };
}

/** The mean of a seed's finite APs over `classes`, or `undefined` if it has none. */
function classMean(
  aps: Readonly<Record<string, number>> | undefined,
  classes: readonly string[],
): number | undefined {
  const v = classes.map((c) => aps?.[c]).filter((x): x is number => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
}

/**
 * Per-class AP over seeds as a table: a row per class, a column per model, each cell the mean ±
 * standard deviation over the seeds that measured it (`formatMeanStd`); then the mean over all
 * classes (each seed's mean over its classes, then mean ± sd over seeds) and, with `apart`, the
 * same mean without the classes set apart. A per-class view says where a mean AP is lost, and
 * whether a mechanism helps the classes built to need it.
 *
 * @example
 * ```ts
 * const table = classApTable(
 *   [{ title: 'PCSC', seeds: [{ walk: 40, 'kick-bow': 12 }, { walk: 42, 'kick-bow': 8 }] }],
 *   { classes: ['walk', 'kick-bow'], apart: { classes: ['kick-bow'], mark: ' (order)', meanTitle: 'mean without order classes' } },
 * );
 * // table.rows[0] = ['walk', '41.0 ± 1.4']; last row = ['mean without order classes', '41.0 ± 1.4']
 * ```
 */
export function classApTable(
  columns: readonly ClassApColumn[],
  { classes, apart }: ClassApTableOptions,
): MarkdownTableOptions {
  const cell = (
    column: ClassApColumn,
    value: (aps: Readonly<Record<string, number>>) => number | undefined,
  ) =>
    formatMeanStd(
      column.seeds
        .map((aps) => (aps ? value(aps) : undefined))
        .filter((v): v is number => v !== undefined && Number.isFinite(v)),
    );
  const setApart = apart?.classes.length ? apart : undefined;
  const rest = classes.filter((c) => !setApart?.classes.includes(c));
  const rows = classes.map((c) => [
    setApart?.classes.includes(c) ? `${c}${setApart.mark}` : c,
    ...columns.map((col) => cell(col, (aps) => aps[c])),
  ]);
  rows.push([
    `mean over all ${classes.length} classes`,
    ...columns.map((col) => cell(col, (aps) => classMean(aps, classes))),
  ]);
  if (setApart)
    rows.push([
      setApart.meanTitle,
      ...columns.map((col) => cell(col, (aps) => classMean(aps, rest))),
    ]);
  return {
    header: ['class', ...columns.map((c) => c.title)],
    rows,
  };
}
