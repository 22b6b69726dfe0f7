import type { ClaimResult } from './claim';
import type { MarkdownTableOptions } from './markdown-table';

/**
 * One block of a {@link ReportDocument}. Text is Markdown's inline subset that both renderers
 * share: `**bold**`, `` `code` `` and `[text](url)`; everything else is literal.
 */
export type ReportBlock =
  | { kind: 'heading'; level: 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  /** A highlighted remark (Markdown: a block quote). */
  | { kind: 'note'; text: string }
  | { kind: 'table'; table: MarkdownTableOptions }
  | { kind: 'claims'; claims: ClaimResult[] }
  /**
   * A figure: its SVG source, the file name it is written to next to `report.md` (Markdown links
   * it), and a caption. The HTML report inlines the SVG.
   */
  | { kind: 'figure'; file: string; svg: string; caption: string };

/**
 * A report as data, rendered to Markdown by {@link renderMarkdown} and to one self-contained HTML
 * page by {@link renderHtml}, so `report.md` and `report.html` always carry the same tables,
 * claims and figures.
 */
export interface ReportDocument {
  title: string;
  blocks: ReportBlock[];
}

/** The figures of a document, by file name (to write next to `report.md`). */
export function reportFigures(doc: ReportDocument): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of doc.blocks) if (b.kind === 'figure') out[b.file] = b.svg;
  return out;
}
