export type { AtomicWriteStream, StagedFile } from './atomic-write';
export {
  AtomicWriteError,
  openAtomicWriteStream,
  removeStaleTemporaries,
  stageFileAtomic,
  temporaryPath,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write';
export type { ClaimOperand, ClaimRelation, ClaimResult, ClaimSpec, ClaimStatus } from './claim';
export {
  allClaims,
  CLAIM_MIN_SEEDS,
  CLAIM_NOISE_FACTOR,
  CLAIM_RULE,
  checkClaim,
  claimStatusLabel,
  claimsMarkdown,
  formatMeanStd,
  meanAndStd,
} from './claim';
export type { ClassApColumn, ClassApTableOptions } from './class-ap-table';
export { classApTable } from './class-ap-table';
export type { ColumnAlign, MarkdownTableOptions } from './markdown-table';
export { formatCell, markdownTable } from './markdown-table';
export type { MultiProgress, MultiProgressOptions } from './multi-progress';
export { createMultiProgress, formatDuration } from './multi-progress';
export type { PRCurveClass, PRCurvesPlotOptions } from './pr-curves-plot';
export { svgPrCurves } from './pr-curves-plot';
export type { ProgressBar, ProgressEvent, ProgressOptions } from './progress';
export { createProgress, progressBarText, setProgressSink } from './progress';
export { escapeHtml, inlineHtml, renderHtml } from './render-html';
export { renderMarkdown } from './render-markdown';
export type { ReportBlock, ReportDocument } from './report-document';
export { reportFigures } from './report-document';
export type {
  BarPlotOptions,
  LinePlotOptions,
  LineSeries,
  PlotFrameOptions,
} from './svg-plot';
export { formatValue, svgBarPlot, svgLinePlot } from './svg-plot';
export type { ReportPaths } from './write-report';
export { writeReport } from './write-report';
