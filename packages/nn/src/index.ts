import * as tf from '@tensorflow/tfjs-core';

export type { CheckpointContents, CheckpointTensor } from './checkpoint-file';
export {
  decodeCheckpoint,
  encodeCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint-file';
export type { Conv3dOptions, Conv3dPad } from './conv3d';
export { conv3d } from './conv3d';
export type { FpnLevelOptions } from './fpn-level';
export { fpnLevels } from './fpn-level';
export type { ConvKernelProvider, FusedConv2dOptions } from './fused-conv2d';
export { convKernelProviderInstalled, fusedConv2d } from './fused-conv2d';
export type { GradientCheckOptions, GradientCheckResult } from './grad-check';
export { gradientCheck } from './grad-check';
export type { BackendInfo, BackendName, InitBackendOptions } from './init-backend';
export { activeBackend, initBackend } from './init-backend';
export type { Hourglass1dOptions } from './layers/hourglass-1d';
export { Hourglass1d } from './layers/hourglass-1d';
export type { MessagePassingOptions } from './layers/message-passing';
export { MessagePassing } from './layers/message-passing';
export type { NamedWeight } from './layers/named-weight';
export { createNamedWeight, heNormal, pointwiseConv, variableScope } from './layers/named-weight';
export type { NonLocalBlockOptions } from './layers/non-local-block';
export { NonLocalBlock } from './layers/non-local-block';
export type { RpnHeadOptions, RpnOutput } from './layers/rpn-head';
export { RpnHead } from './layers/rpn-head';
export type {
  BinaryCrossEntropyOptions,
  IoULossOptions,
  LossOptions,
  LossReduction,
  SmoothL1Options,
  SoftmaxCrossEntropyOptions,
} from './losses';
export { binaryCrossEntropy, iouLoss, smoothL1, softmaxCrossEntropy } from './losses';
export type {
  OnnxAttribute,
  OnnxModelSpec,
  OnnxNodeSpec,
  OnnxValueSpec,
} from './onnx-model-encode';
export { dtypeOfOnnx, encodeOnnxModel, onnxOfDtype } from './onnx-model-encode';
export type { LrSchedule, OptimizerConfig } from './optimizer';
export { applyUpdate, learningRateAt, optimizerSlots } from './optimizer';
export type { OnnxConvolutionsInfo, OnnxConvolutionsOptions } from './ort-convolutions';
export { runOnnxGraph, stopOnnxConvolutions, useOnnxConvolutions } from './ort-convolutions';
export type { OrtBridgeAlias, OrtBridgeInput, OrtBridgeOutput } from './ort-sync-bridge';
export type {
  PolynomialTubeLossOptions,
  PolynomialTubeTarget,
} from './polynomial-tube-loss';
export { polynomialTubeLoss } from './polynomial-tube-loss';
export type { WireField } from './protobuf-wire';
export { ProtoReader, ProtoWriter, WireType } from './protobuf-wire';
export type { Rng } from './random';
export { createRng, restoreRng } from './random';
export type { RawTensor, WeightDtype } from './raw-tensor';
export {
  dtypeByteSize,
  float32RawTensor,
  int64RawTensor,
  rawTensorToFloat32,
  shapeSize,
} from './raw-tensor';
export { registerTubekitKernels, TUBEKIT_KERNELS } from './register-kernels';
export type { RoiAlignOptions, RoiBoxes, RoiOptions, TubeletRoiOptions } from './roi-align';
export { roiAlign, roiPool, tubeletRoi } from './roi-align';
export type { RpnLossOptions, RpnLossTerms } from './rpn-loss';
export { rpnLoss } from './rpn-loss';
export type { RpnProposalOptions, RpnProposals } from './rpn-proposals';
export { rpnProposals, rpnScores } from './rpn-proposals';
export type { RpnTargetOptions, RpnTargets } from './rpn-targets';
export { rpnTargets } from './rpn-targets';
export type { SafetensorsFile } from './safetensors';
export {
  encodeSafetensors,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
} from './safetensors';
export type {
  AssignOptions,
  ProposalAssignment,
  SampledProposals,
  SampleOptions,
} from './samplers';
export { assignProposals, sampleProposals } from './samplers';
export { tidyValues } from './tidy-values';
export type {
  StepLoss,
  StepResult,
  TrainableParameter,
  TrainerOptions,
  TrainLoopOptions,
  TrainOptions,
  TrainSummary,
} from './trainer';
export { formatDuration, Trainer, train } from './trainer';
export { tf };
