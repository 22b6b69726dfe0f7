import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportDocument } from './report-document';
import { writeReport } from './write-report';

describe('writeReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tubekit-write-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes report.md, report.html, report.json and the figures from one document', async () => {
    const doc: ReportDocument = {
      title: 'Bench',
      blocks: [
        { kind: 'paragraph', text: 'mAP **12.5**' },
        { kind: 'figure', file: 'fig.svg', svg: '<svg id="f"></svg>', caption: 'A figure' },
      ],
    };
    const paths = await writeReport(dir, doc, { map: 12.5, missing: Number.NaN });
    expect(paths).toEqual({
      reportPath: join(dir, 'report.md'),
      htmlPath: join(dir, 'report.html'),
      jsonPath: join(dir, 'report.json'),
    });
    expect(readdirSync(dir).sort()).toEqual(['fig.svg', 'report.html', 'report.json', 'report.md']);
    expect(readFileSync(paths.reportPath, 'utf8')).toContain('![A figure](fig.svg)');
    expect(readFileSync(paths.htmlPath, 'utf8')).toContain('<svg id="f"></svg>');
    expect(readFileSync(join(dir, 'fig.svg'), 'utf8')).toBe('<svg id="f"></svg>');
    expect(readFileSync(paths.jsonPath, 'utf8')).toBe('{\n  "map": 12.5,\n  "missing": null\n}\n');
  });
});
