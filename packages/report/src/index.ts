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
export type { ClaimOperand, ClaimRelation, ClaimResult, ClaimSpec } from './claim';
export { allClaims, checkClaim, claimsMarkdown } from './claim';
export type { ColumnAlign, MarkdownTableOptions } from './markdown-table';
export { formatCell, markdownTable } from './markdown-table';
export type { ProgressBar, ProgressOptions } from './progress';
export { createProgress } from './progress';
export type {
  BarPlotOptions,
  LinePlotOptions,
  LineSeries,
  PlotFrameOptions,
} from './svg-plot';
export { svgBarPlot, svgLinePlot } from './svg-plot';
