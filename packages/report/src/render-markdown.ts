import { claimsMarkdown } from './claim';
import { markdownTable } from './markdown-table';
import type { ReportBlock, ReportDocument } from './report-document';

function block(b: ReportBlock): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${b.text}\n`;
    case 'paragraph':
      return `${b.text}\n`;
    case 'note':
      return `${b.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}\n`;
    case 'table':
      return markdownTable(b.table);
    case 'claims':
      return claimsMarkdown(b.claims);
    case 'figure':
      return `![${b.caption}](${b.file})\n`;
  }
}

/**
 * Renders a {@link ReportDocument} as GitHub-flavoured Markdown: figures are linked as images by
 * their file name, which the caller writes next to the Markdown file.
 *
 * @example
 * renderMarkdown({ title: 'STEP', blocks: [{ kind: 'paragraph', text: 'Ours: **42**' }] });
 * // '# STEP\n\nOurs: **42**\n'
 */
export function renderMarkdown(doc: ReportDocument): string {
  return [`# ${doc.title}\n`, ...doc.blocks.map(block)].join('\n');
}
