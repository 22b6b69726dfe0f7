/** Column alignment of a {@link markdownTable}. */
export type ColumnAlign = 'left' | 'right' | 'center';

/** Options of {@link markdownTable}. */
export interface MarkdownTableOptions {
  /** Column headers. */
  header: string[];
  /** Body rows; each row has `header.length` cells (numbers are formatted with `digits`). */
  rows: Array<Array<string | number | null | undefined>>;
  /** Per-column alignment (default: left for the first column, right for the others). */
  align?: ColumnAlign[];
  /** Decimals for numeric cells (default 1, the papers' precision for percentages). */
  digits?: number;
  /** Text for `null`/`undefined`/NaN cells (default `–`, as the papers print missing entries). */
  missing?: string;
}

/** Formats one cell: numbers with fixed decimals, missing values as the `missing` mark. */
export function formatCell(
  value: string | number | null | undefined,
  digits = 1,
  missing = '–',
): string {
  if (value === null || value === undefined) return missing;
  if (typeof value === 'number') return Number.isFinite(value) ? value.toFixed(digits) : missing;
  return value.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * Renders a GitHub-flavoured Markdown table.
 *
 * Throws when a row's cell count differs from the header's, naming the row.
 *
 * @example
 * markdownTable({ header: ['Mode', 'f-mAP'], rows: [['RGB', 66.7]] });
 * // '| Mode | f-mAP |\n| :--- | ---: |\n| RGB | 66.7 |\n'
 */
export function markdownTable(options: MarkdownTableOptions): string {
  const { header, rows, digits = 1, missing = '–' } = options;
  const align = header.map((_, i) => options.align?.[i] ?? (i === 0 ? 'left' : 'right'));
  const rule = align.map((a) => (a === 'left' ? ':---' : a === 'right' ? '---:' : ':---:'));
  const lines = [`| ${header.map((h) => formatCell(h)).join(' | ')} |`, `| ${rule.join(' | ')} |`];
  rows.forEach((row, r) => {
    if (row.length !== header.length)
      throw new Error(
        `markdownTable: row ${r} has ${row.length} cells, expected ${header.length} (${header.join(', ')})`,
      );
    lines.push(`| ${row.map((c) => formatCell(c, digits, missing)).join(' | ')} |`);
  });
  return `${lines.join('\n')}\n`;
}
