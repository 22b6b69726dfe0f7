export type { ActPickleOptions } from './act-pickle';
export { actDatasetFromPickle, actDatasetName, readActPickle } from './act-pickle';
export type { ActionDataset, GroundTruthTube, VideoAnnotation } from './annotation-model';
export type { AvaCsvRows, AvaCsvWarnings, AvaKeyframes, ReadAvaCsvOptions } from './ava-csv';
export { readAvaCsv, readAvaExclusions } from './ava-csv';
export type { AvaLabel } from './ava-labelmap';
export { parseAvaLabelmap, readAvaLabelmap } from './ava-labelmap';
export type {
  ClipAugmentation,
  ClipSamplerOptions,
  ClipSamplingOptions,
  ClipSpec,
  ClipTubelet,
  LoadedClip,
} from './clip-sampler';
export {
  augmentTubelets,
  ClipSampler,
  clipFrames,
  clipTubelets,
  readClipFrames,
  sampleClips,
} from './clip-sampler';
export type { CsvNumberKind } from './csv-number';
export { MAX_COORDINATE } from './csv-number';
export { csvShards } from './csv-shards';
export { tubekitDataDir, tubekitDataPath } from './data-dir';
export {
  DATASET_JSON_FORMAT,
  DATASET_JSON_VERSION,
  formatDatasetJson,
  parseDatasetJson,
  parseJsonText,
  readDatasetJson,
  writeDatasetJson,
} from './dataset-json';
export type { DatasetSummary, Distribution } from './dataset-summary';
export { distribution, summarizeDataset } from './dataset-summary';
export { INT32_LIMIT, parseDecimal } from './decimal-number';
export {
  describeValue,
  errorLine,
  QUOTE_LIMIT,
  quoteInput,
  TubekitFormatError,
} from './format-error';
export { quantizeFrame } from './frame-bytes';
export type {
  FrameDetectionRows,
  ReadFrameDetectionGroupsOptions,
  ReadFrameDetectionsByVideoOptions,
  ReadFrameDetectionsOptions,
} from './frame-detections-csv';
export {
  FRAME_DETECTIONS_COLUMNS,
  readFrameDetectionGroups,
  readFrameDetectionsByVideo,
  readFrameDetectionsCsv,
  writeFrameDetectionsCsv,
} from './frame-detections-csv';
export type {
  FrameModality,
  FrameReadOptions,
  FrameSource,
  GeneratedFrameSourceOptions,
} from './frame-source';
export { createGeneratedFrameSource, GeneratedFrameSource } from './frame-source';
export type { ImageFolderSourceOptions } from './frame-source-image-folder';
export {
  decodeImage,
  ImageFolderFrameSource,
  openImageFolderSource,
} from './frame-source-image-folder';
export type { VideoFileSourceOptions } from './frame-source-video-file';
export { openVideoFileSource, VideoFileFrameSource } from './frame-source-video-file';
export type { FrameImageFormat } from './image-encode';
export { encodeFrameImage, quantizeRgb } from './image-encode';
export type { ResizeOptions } from './image-resize';
export { resizeBilinear } from './image-resize';
export type { JhmdbFrameBox } from './jhmdb';
export { JHMDB_FRAME_SIZE, JHMDB_LABELS, jhmdbDataset, jhmdbVideoName } from './jhmdb';
export { jhmdbDatasetFromMat, readJhmdbMat } from './jhmdb-mat';
export type { JhmdbTextGtOptions } from './jhmdb-text-gt';
export { readJhmdbTextGt } from './jhmdb-text-gt';
export { type LoadDatasetOptions, loadDataset } from './load-dataset';
export { LruCache } from './lru-cache';
export type {
  MatCell,
  MatChar,
  MatFile,
  MatNumeric,
  MatNumericClass,
  MatStruct,
  MatValue,
} from './mat-v5';
export { parseMat, readMat } from './mat-v5';
export type { NumericGrouping } from './numeric-csv';
export { type CsvByteRange, CsvRangeError, InterleavedVideosError } from './numeric-csv';
export type { NdArray, NdDtype, NdNumericData, PyValue } from './pickle';
export { readPickle, unpickle } from './pickle';
export type { ClipProposals, Proposal, ProposalStage, ProposalsFile } from './proposals-json';
export {
  formatProposalsJson,
  PROPOSALS_JSON_FORMAT,
  PROPOSALS_JSON_VERSION,
  parseProposalsJson,
  readProposalsJson,
  writeProposalsJson,
} from './proposals-json';
export type { SynthActionClass, SynthPoseCycle, SynthSubAction } from './synth/classes';
export {
  ORDER_FADE,
  ORDER_MIN_SEGMENT,
  SYNTH_CLASSES,
  SYNTH_CLASSES_V2,
  SYNTH_POSE_CYCLES,
} from './synth/classes';
export type {
  SynthFlowErrors,
  SynthMotionOptions,
  SynthPreset,
  SynthTubesConfig,
  SynthVariant,
} from './synth/config';
export {
  checkSynthOptions,
  SYNTH_FLOW_ERRORS,
  SYNTH_PRESETS,
  SYNTH_SCENE_CONTEXT_RATE,
  SYNTH_VARIANTS,
  synthPresetConfig,
} from './synth/config';
export type { SynthExportOptions, SynthExportSummary } from './synth/export';
export { exportSynthTubes } from './synth/export';
export type { FlowDegradationInput, FlowDegradationScratch } from './synth/flow-degradation';
export { degradeFlow } from './synth/flow-degradation';
export { decodeFlow, encodeFlow } from './synth/flow-encoding';
export type { SceneRenderTargets } from './synth/renderer';
export {
  OWNER_BACKGROUND,
  OWNER_DISTRACTOR_BASE,
  OWNER_OCCLUDER_BASE,
  OWNER_PROP_BASE,
  SceneRenderer,
} from './synth/renderer';
export type {
  ActorTrack,
  DistractorTrack,
  OccluderTrack,
  PropShape,
  PropTrack,
  SceneScript,
} from './synth/scene';
export { propStyle } from './synth/scene';
export type { SynthCacheOptions, SynthCacheSummary } from './synth/synth-cache';
export { SYNTH_CACHE_VERSION, SynthTubesCache, synthCacheKey } from './synth/synth-cache';
export type { SynthTubes, SynthTubesOptions } from './synth/synth-tubes';
export { actorBoxAt, createSynthTubes, validateSynthConfig } from './synth/synth-tubes';
export type { VideoFrameTargets } from './synth/video-frames';
export type { ReadTubeDetectionsOptions, WriteTubeDetectionsOptions } from './tube-detections-csv';
export {
  readTubeDetectionsCsv,
  readTubeDetectionsWithLines,
  TUBE_DETECTIONS_COLUMNS,
  TUBE_DETECTIONS_OPTIONAL_COLUMNS,
  writeTubeDetectionsCsv,
} from './tube-detections-csv';
export type { TubeViz, TubeVizFormat, TubeVizOptions } from './tube-viz';
export {
  drawTubeOverlay,
  renderVizFrame,
  TUBE_COLOURS,
  VIZ_TIMELINE_HEIGHT,
  visualizeTubes,
} from './tube-viz';
export type { TubeletDetectionRows } from './tubelet-detections-csv';
export {
  readTubeletDetectionsByVideo,
  readTubeletDetectionsCsv,
  tubeletDetectionsColumns,
  writeTubeletDetectionsCsv,
} from './tubelet-detections-csv';
export {
  readVideoList,
  UCF101_24_FRAME_SIZE,
  ucf101LabelsFromNames,
} from './ucf101-24';
export { readUcf101Mat, ucf101DatasetFromMat } from './ucf101-24-mat';
export type { Ucf101Options } from './ucf101-24-pickle';
export { readUcf101Pickle, ucf101DatasetFromPickle, xywhToCorners } from './ucf101-24-pickle';
export {
  readUcfSportsTubesMat,
  UCF_SPORTS_LABELS,
  ucfSportsTubesFromMat,
} from './ucfsports-tubes-mat';
export { validateDataset } from './validate-dataset';
export type { ZipEntry } from './zip-archive';
export { crc32, listZipEntries, readZipEntry } from './zip-archive';
