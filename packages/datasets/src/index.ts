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
export { MAX_COORDINATE, MAX_INT32 } from './csv-number';
export { tubekitDataDir, tubekitDataPath } from './data-dir';
export {
  DATASET_JSON_FORMAT,
  DATASET_JSON_VERSION,
  formatDatasetJson,
  parseDatasetJson,
  readDatasetJson,
  writeDatasetJson,
} from './dataset-json';
export type { DatasetSummary, Distribution } from './dataset-summary';
export { distribution, summarizeDataset } from './dataset-summary';
export { describeValue, TubekitFormatError } from './format-error';
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
export { loadDataset } from './load-dataset';
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
export { InterleavedVideosError } from './numeric-csv';
export type { NdArray, NdDtype, NdNumericData, PyValue } from './pickle';
export { readPickle, unpickle } from './pickle';
export type { SynthActionClass, SynthPoseCycle } from './synth/classes';
export { SYNTH_CLASSES } from './synth/classes';
export type { SynthPreset, SynthTubesConfig } from './synth/config';
export { synthPresetConfig } from './synth/config';
export type { SynthExportOptions, SynthExportSummary } from './synth/export';
export { exportSynthTubes } from './synth/export';
export { decodeFlow, encodeFlow } from './synth/flow-encoding';
export type { SceneRenderTargets } from './synth/renderer';
export {
  OWNER_BACKGROUND,
  OWNER_DISTRACTOR_BASE,
  OWNER_OCCLUDER_BASE,
  SceneRenderer,
} from './synth/renderer';
export type { ActorTrack, DistractorTrack, OccluderTrack, SceneScript } from './synth/scene';
export type { SynthTubes, SynthTubesOptions } from './synth/synth-tubes';
export { actorBoxAt, createSynthTubes, validateSynthConfig } from './synth/synth-tubes';
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
