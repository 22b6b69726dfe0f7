export type { ClipWindow, ClipWindowOptions, FrameReader } from './clip-window';
export { clipWindow } from './clip-window';
export type { ClipTubelet, DetectVideoOptions } from './detect-video';
export { detectVideo, detectVideoByStep } from './detect-video';
export type { FuseTubeletsOptions } from './fuse-tubelets';
export { fuseTubelets } from './fuse-tubelets';
export { gaussian } from './gaussian';
export type { InitialProposalsOptions, ProposalGridLevel } from './initial-proposals';
export {
  gridSize,
  initialProposals,
  STEP_GRID_5,
  STEP_GRID_11,
  STEP_GRID_34,
} from './initial-proposals';
export type {
  ClassifierActor,
  ClassifierClip,
  PretrainClassifierOptions,
} from './pretrain-classifier';
export {
  classifierTubelets,
  pretrainClassifier,
  REGRESSION_TUBELETS_PER_CLIP,
  regressionTubelets,
  TUBELETS_PER_CLIP,
} from './pretrain-classifier';
export type {
  ClipGroundTruth,
  DetectorInput,
  FeatureWindows,
  ProgressiveDetectorOptions,
  ProgressiveTrainingOptions,
  StepResult,
  TemporalExtension,
} from './progressive-detector';
export { ProgressiveDetector } from './progressive-detector';
export type { TrainProgressiveOptions, TrainProgressiveResult } from './train-progressive';
export { trainProgressive } from './train-progressive';
export { extrapolateTubelets, FAST_RCNN_DELTA_STD } from './tubelet-ops';
export type { TwoBranchHeadOptions, TwoBranchOutput } from './two-branch-head';
export { TwoBranchHead } from './two-branch-head';
