import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { type ReportDocument, reportFigures } from './report-document';

/** Where {@link writeReport} put a report's three renderings. */
export interface ReportPaths {
  reportPath: string;
  htmlPath: string;
  jsonPath: string;
}

/**
 * Writes a benchmark app's report into `outDir`, each file atomically: `report.md` and the
 * self-contained `report.html` from the one document, its figures as SVG files beside them (which
 * `report.md` links), and `data` as `report.json` (2-space indented; NaN and ±Infinity, which JSON
 * cannot hold, become `null`).
 *
 * @example
 * ```ts
 * const { reportPath } = await writeReport('results/step', doc, { paper: 'STEP', results });
 * ```
 */
export async function writeReport(
  outDir: string,
  doc: ReportDocument,
  data: unknown,
): Promise<ReportPaths> {
  const paths = {
    reportPath: join(outDir, 'report.md'),
    htmlPath: join(outDir, 'report.html'),
    jsonPath: join(outDir, 'report.json'),
  };
  for (const [file, svg] of Object.entries(reportFigures(doc)))
    await writeFileAtomic(join(outDir, file), svg);
  await writeFileAtomic(paths.reportPath, renderMarkdown(doc));
  await writeFileAtomic(paths.htmlPath, renderHtml(doc));
  await writeFileAtomic(paths.jsonPath, `${JSON.stringify(data, null, 2)}\n`);
  return paths;
}
