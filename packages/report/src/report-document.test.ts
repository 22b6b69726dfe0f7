import { checkClaim } from './claim';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { type ReportDocument, reportFigures } from './report-document';
import { svgBarPlot } from './svg-plot';

const claim = checkClaim({
  id: 'c',
  statement: 'a beats b',
  left: { label: 'a', values: [3, 3.1, 2.9] },
  relation: '>',
  right: { label: 'b', values: [1, 1.1, 0.9] },
});
const doc: ReportDocument = {
  title: 'STEP <reproduced>',
  blocks: [
    { kind: 'heading', level: 2, text: 'Claims' },
    { kind: 'paragraph', text: 'Profile **quick** · file `report.json` · [spec](spec.md) & more' },
    { kind: 'note', text: '⚠ low mAP' },
    { kind: 'claims', claims: [claim] },
    { kind: 'table', table: { header: ['Mode', 'mAP'], rows: [['RGB', 66.7]] } },
    {
      kind: 'figure',
      file: 'figure5.svg',
      caption: 'Figure 5',
      svg: svgBarPlot({ title: 'f', categories: ['x'], series: [{ name: 'p', values: [1] }] }),
    },
  ],
};

describe('report document', () => {
  it('renders the same content to Markdown, linking figures by file', () => {
    const md = renderMarkdown(doc);
    expect(md.startsWith('# STEP <reproduced>\n\n## Claims\n')).toBe(true);
    expect(md).toContain('> ⚠ low mAP');
    expect(md).toContain('✅ holds — a beats b');
    expect(md).toContain('| RGB | 66.7 |');
    expect(md).toContain('![Figure 5](figure5.svg)');
    expect(reportFigures(doc)).toEqual({ 'figure5.svg': expect.stringMatching(/^<svg/) });
  });
  it('renders one self-contained HTML page with the figures inline', () => {
    const html = renderHtml(doc);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>STEP &lt;reproduced&gt;</title>');
    expect(html).toContain('<strong>quick</strong>');
    expect(html).toContain('<code>report.json</code>');
    expect(html).toContain('<a href="spec.md">spec</a> &amp; more');
    expect(html).toContain('<td class="r">66.7</td>');
    expect(html).toContain('<li class="holds">✅ holds');
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|src=|href="http/);
  });
});
