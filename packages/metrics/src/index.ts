export type {
  AvaEvaluationInput,
  AvaKeyframesInput,
  AvaLabelInput,
  AvaMeanAPOptions,
  AvaRowsInput,
} from './ava-map';
export { avaFrameMeanAP } from './ava-map';
export type { AveragePrecisionOptions, PRCurve } from './average-precision';
export {
  averagePrecision,
  averagePrecisionAtRanks,
  precisionRecallCurve,
} from './average-precision';
export type {
  DetectionOutcome,
  DetectionOutcomes,
  ErrorBreakdown,
  ErrorBreakdownOptions,
  ErrorCounts,
} from './error-breakdown';
export {
  frameDetectionOutcomes,
  frameErrorBreakdown,
  videoDetectionOutcomes,
  videoErrorBreakdown,
} from './error-breakdown';
export type { FrameDetectionColumns, FrameMeanAPOptions } from './frame-map';
export { FrameMeanAPEvaluator, frameMeanAP } from './frame-map';
export type { FrameShard, MergedFrameShards } from './frame-shards';
export { mergeFrameShards } from './frame-shards';
export type { GroundTruthInput, GroundTruthTubeInput, GroundTruthVideoInput } from './ground-truth';
export type { InputIssueKind, InputWarnings } from './input-issues';
export { MetricsInputError } from './input-issues';
export type { IoUEntry } from './iou-thresholds';
export { parseIoUEntries } from './iou-thresholds';
export type { MABOOptions, MABOResult } from './mabo';
export { frameMABO, videoMABO } from './mabo';
export { matchOne, matchRanked } from './match';
export type {
  ClassAP,
  MeanAPOptions,
  MeanAPResult,
  MeanComposition,
  ThresholdResult,
} from './mean-ap';
export type {
  APRule,
  AvaRules,
  DuplicateRule,
  FrameBoxRules,
  FrameSelection,
  MeanRule,
  ProtocolName,
  ProtocolProfile,
  ThresholdTest,
  VideoTubeRules,
} from './protocol';
export {
  actProtocol,
  ava2018Protocol,
  ava2019Protocol,
  ava2020Protocol,
  mmaction2Protocol,
  PROTOCOL_NAMES,
  protocolProfile,
  singhProtocol,
  vocProtocol,
  yowoProtocol,
} from './protocol';
export { rankByScore } from './rank';
export type { ScoreLogSpill } from './score-log';
export { ScoreLog } from './score-log';
export type { VideoMeanAPOptions } from './video-map';
export { DEFAULT_VIDEO_IOUS, VideoMeanAPEvaluator, videoMeanAP } from './video-map';
