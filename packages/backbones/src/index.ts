export type { WireField } from '@tubekit/nn';
export { ProtoReader, ProtoWriter } from '@tubekit/nn';
export type {
  Backbone,
  BackboneLayout,
  FeatureExtractor,
  FeatureMapSize,
  InputSize,
  NamedWeight,
} from './backbone';
export type { BankFrameShape } from './backbone-feature-bank';
export { BackboneFeatureBank } from './backbone-feature-bank';
export type { I3DEndpoint, I3DOptions } from './i3d';
export { createI3D, deepmindI3dNameMap, I3D_ENDPOINTS } from './i3d';
export type { WeightInit } from './modules';
export type { OnnxFeatureExtractorOptions } from './onnx-feature-extractor';
export {
  createOnnxFeatureExtractor,
  OnnxFeatureExtractor,
  onnxExtractorFromBackbone,
} from './onnx-feature-extractor';
export type {
  OnnxAttribute,
  OnnxModelSpec,
  OnnxNodeSpec,
  OnnxTensor,
  OnnxValueSpec,
} from './onnx-model';
export { encodeOnnxModel, parseOnnxTensors, readOnnxTensors } from './onnx-model';
export type {
  PlainConvNetOptions,
  PlainLayer,
  SmallBackboneOptions,
  Vgg16Options,
} from './plain-conv-net';
export {
  createPlainConvNet,
  createSmallBackbone2d,
  createSmallBackbone3d,
  createVgg16,
  torchvisionVgg16NameMap,
} from './plain-conv-net';
export type {
  PretrainActor,
  PretrainClip,
  PretrainHeldOutResult,
  PretrainLossTerms,
  PretrainTrunkOptions,
} from './pretrain-trunk';
export { PRETRAIN_OBJECTIVE_VERSION, pretrainTrunk } from './pretrain-trunk';
export type { TrunkFeatures, TrunkLevel, TrunkOptions } from './trunk';
export { Trunk } from './trunk';
export type { TrunkBackboneGraphShape, TrunkLevelStride } from './trunk-backbone-graph';
export { trunkBackboneGraph } from './trunk-backbone-graph';
export type { WeightFileFormat } from './weight-file';
export { detectWeightFormat, loadWeights, readWeightFile, saveWeights } from './weight-file';
export type {
  ExportWeightsOptions,
  HasWeights,
  ImportWeightsOptions,
  ImportWeightsReport,
  WeightLayout,
} from './weight-io';
export { exportWeights, importWeights, weightToRawTensor } from './weight-io';
