/**
 * `@tubekit/heads/cross-stream` — PCSC, Progressive Cross-stream Cooperation (Su, Ouyang, Zhou,
 * Xu, CVPR 2019): a two-stream (RGB, flow) detector on tubekit's trunks with an FPN, image- and
 * RoI-level message passing, proposal cooperation over alternating stages, and the actionness
 * classifiers of its temporal refinement.
 */
export type { ActionnessClassifiersOptions } from './actionness-classifiers';
export { ActionnessClassifiers } from './actionness-classifiers';
export type { BoxHeadOptions, BoxHeadOutput } from './box-head';
export { BoxHead } from './box-head';
export type { CooperatedProposals, ProposalCooperationOptions } from './cooperate-proposals';
export { cooperateProposals } from './cooperate-proposals';
export type { CooperationStage, Stream } from './cooperation-schedule';
export { cooperationSchedule } from './cooperation-schedule';
export type {
  CrossStreamDetectorOptions,
  CrossStreamInput,
  CrossStreamRun,
  FrameGroundTruth,
  StageResult,
} from './cross-stream-detector';
export { CrossStreamDetector } from './cross-stream-detector';
export type { FeaturePyramidOptions, PyramidLevel } from './feature-pyramid';
export { FeaturePyramid } from './feature-pyramid';
export { keyCentredFrames } from './key-centred-frames';
export type { PretrainingRoiOptions, PretrainingRois } from './pretraining-rois';
export { pretrainingRois } from './pretraining-rois';
export type { PyramidRoiAlignOptions } from './pyramid-roi-align';
export { pyramidRoiAlign } from './pyramid-roi-align';
export type { HeadDetections, ScoredBoxes } from './scored-boxes';
export { concatBoxes, nmsBoxes, proposalsOf } from './scored-boxes';
export { stackFeatures } from './stack-features';
export type { FrameBoxes, UnionFrameOutputOptions } from './union-frame-output';
export { unionFrameOutput } from './union-frame-output';
