export type { ActionnessTrimmingOptions } from './actionness-trimming';
export { actionnessTrimming, PCSC_TRIMMING } from './actionness-trimming';
export { classScoresFromRows } from './class-score-vectors';
export { LinkingInputError } from './errors';
export { float32Mean } from './float32-mean';
export { smoothLabels } from './label-smoothing';
export type { MultiClassTrimmingOptions } from './multi-class-trimming';
export { multiClassTrimming, SINGH_TRIMMING } from './multi-class-trimming';
export type { OnlineFrame, OnlineLinkingOptions } from './online-linking';
export {
  linkOnline,
  linkOnlineByVideo,
  OnlineLinker,
  SINGH_ONLINE_LINKING,
  sortOnlineTubes,
} from './online-linking';
export type {
  LinkerSpec,
  LinkingMetadata,
  LinkingPipeline,
  LinkingResult,
  TrimmerSpec,
} from './pipeline';
export { frameNMS, linkVideos, runLinkingPipeline } from './pipeline';
export {
  ACT_PIPELINE,
  ACTIONNESS_TRIMMER,
  MOC_PIPELINE,
  MULTISPORTS_PIPELINE,
  ONLINE_PIPELINE,
  SAHA_TRIMMER,
  SINGH_TRIMMER,
  VITERBI_PIPELINE,
  YOWO_PIPELINE,
} from './presets';
export type { TubeRescoringOptions } from './rescore-along-tubes';
export { rescoreAlongTubes } from './rescore-along-tubes';
export type { FrameNMSOptions } from './row-nms';
export { nmsRows } from './row-nms';
export type { FitPlattScalingOptions, PlattScaling } from './score-calibration';
export {
  calibrateTubes,
  fitPlattScaling,
  PLATT_SCORE_FLOOR,
  plattProbability,
} from './score-calibration';
export { topKMean } from './top-k-mean';
export { checkTubes, renumberTubes } from './tube-input';
export type { TubeletLinkingOptions, TubeletSuppression } from './tubelet-linking';
export {
  ACT_LINKING,
  frameDetectionsAsTubelets,
  linkTubelets,
  linkTubeletsByVideo,
  MOC_LINKING,
  MULTISPORTS_LINKING,
} from './tubelet-linking';
export type { TwoStateTrimmingOptions } from './two-state-trimming';
export { SAHA_TRIMMING, twoStateTrimming } from './two-state-trimming';
export type { InputSource, VideoRange } from './video-ranges';
export { rowsByLabel, videoFrameCount, videoRanges } from './video-ranges';
export type { ViterbiLinkingOptions } from './viterbi-linking';
export {
  GKIOXARI_MALIK_LINKING,
  linkViterbi,
  linkViterbiByVideo,
  YOWO_LINKING,
} from './viterbi-linking';
