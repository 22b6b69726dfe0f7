/**
 * `@tubekit/heads/coarse-to-fine` — CFAD, the Coarse-to-Fine Action Detector (Li et al. ECCV 2020).
 */
export type { TimestampChoice } from './choose-timestamps';
export { chooseTimestamps } from './choose-timestamps';
export type { CoarseModuleOptions, CoarseOutput } from './coarse-module';
export { CoarseModule } from './coarse-module';
export type { CoarseTargetOptions, CoarseTargets, LabelledTube } from './coarse-targets';
export { coarseLoss, coarseTargets, SEGMENT_LENGTH } from './coarse-targets';
export type {
  CoarseToFineClip,
  CoarseToFineDetectOptions,
  CoarseToFineLoss,
  CoarseToFineOptions,
  CoarseToFineTrainingVideo,
  CoarseToFineTube,
} from './coarse-to-fine-detector';
export { CoarseToFineDetector } from './coarse-to-fine-detector';
export type { KeyTimestampSelectorOptions } from './key-timestamp-selector';
export { KeyTimestampSelector } from './key-timestamp-selector';
export type { RefinedKnots, TimestampProposals } from './refine-knots';
export { fuseTubeScore, knotsToTube, refineKnots } from './refine-knots';
export { sampleFeatures, sampleTimes } from './sample-features';
export type { SelectTubesOptions } from './select-tubes';
export { selectTubes } from './select-tubes';
export type {
  TemporalProposalLossOptions,
  TemporalProposalOptions,
  TemporalProposalOutput,
  TemporalProposalSelectOptions,
} from './temporal-proposal-network';
export { TemporalProposalNetwork } from './temporal-proposal-network';
