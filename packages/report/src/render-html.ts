import { claimStatusLabel } from './claim';
import { formatCell } from './markdown-table';
import type { ReportBlock, ReportDocument } from './report-document';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The shared inline subset (`**bold**`, `` `code` ``, `[text](url)`) as HTML; the rest escaped. */
export function inlineHtml(text: string): string {
  const out: string[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(escapeHtml(text.slice(last, m.index)));
    if (m[1] !== undefined) out.push(`<code>${escapeHtml(m[1])}</code>`);
    else if (m[2] !== undefined) out.push(`<strong>${inlineHtml(m[2])}</strong>`);
    else out.push(`<a href="${escapeHtml(m[4])}">${inlineHtml(m[3])}</a>`);
    last = m.index + m[0].length;
  }
  out.push(escapeHtml(text.slice(last)));
  return out.join('');
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem}
th{background:#f4f4f4}td.r,th.r{text-align:right}td.c,th.c{text-align:center}
blockquote{border-left:4px solid #e0a800;background:#fffbe6;margin:1rem 0;padding:.4rem .8rem}
code{background:#f2f2f2;padding:0 .2rem;border-radius:3px}figure{margin:1rem 0}
figcaption{font-size:13px;color:#555}li.holds::marker{color:#2a2}li.fails::marker{color:#c22}`;

function table(b: Extract<ReportBlock, { kind: 'table' }>): string {
  const { header, rows, digits = 1, missing = '–' } = b.table;
  const align = header.map((_, i) => b.table.align?.[i] ?? (i === 0 ? 'left' : 'right'));
  const cls = (i: number) =>
    align[i] === 'right' ? ' class="r"' : align[i] === 'center' ? ' class="c"' : '';
  const cell = (v: string | number | null | undefined) =>
    typeof v === 'string' ? inlineHtml(v) : escapeHtml(formatCell(v, digits, missing));
  return [
    '<table>',
    `<thead><tr>${header.map((h, i) => `<th${cls(i)}>${inlineHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row, r) => {
      if (row.length !== header.length)
        throw new Error(
          `renderHtml: table row ${r} has ${row.length} cells, expected ${header.length} (${header.join(', ')})`,
        );
      return `<tr>${row.map((c, i) => `<td${cls(i)}>${cell(c)}</td>`).join('')}</tr>`;
    }),
    '</tbody></table>',
  ].join('\n');
}

function block(b: ReportBlock): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${inlineHtml(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${inlineHtml(b.text)}</p>`;
    case 'note':
      return `<blockquote>${inlineHtml(b.text)}</blockquote>`;
    case 'table':
      return table(b);
    case 'claims':
      return `<ul>\n${b.claims
        .map(
          (c) =>
            `<li class="${c.status}">${escapeHtml(claimStatusLabel(c.status))} — ${inlineHtml(c.statement)} <small>(${escapeHtml(c.evidence)})</small></li>`,
        )
        .join('\n')}\n</ul>`;
    case 'figure':
      return `<figure id="${escapeHtml(b.file)}">\n${b.svg.replace(/^<\?xml[^>]*>\s*/, '').trim()}\n<figcaption>${inlineHtml(b.caption)} (<code>${escapeHtml(b.file)}</code>)</figcaption>\n</figure>`;
  }
}

/**
 * Renders a {@link ReportDocument} as one self-contained HTML page: inline CSS, every figure's
 * SVG inline, no scripts and no external resources, so the file can be mailed or archived alone.
 *
 * @example
 * await writeFileAtomic('results/step/report.html', renderHtml(doc));
 */
export function renderHtml(doc: ReportDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>${inlineHtml(doc.title)}</h1>
${doc.blocks.map(block).join('\n')}
</body>
</html>
`;
}
