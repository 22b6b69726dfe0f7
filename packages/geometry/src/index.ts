export type { AnchorClusteringOptions, AnchorClusters } from './anchor-clustering';
export { anchorBoxesAt, clusterAnchors } from './anchor-clustering';
export type { BackgroundBoxOptions } from './background-box';
export { drawBackgroundBox } from './background-box';
export type { BoxArray, BoxOptions } from './box-area';
export { boxArea, boxAreaAt, boxAreas, boxCount, boxIntersection } from './box-area';
export type { ClipBoxesOptions, ImageSize } from './box-clip';
export { clipBoxes } from './box-clip';
export type { BoxConvertOptions } from './box-convert';
export { cxcywhToXyxy, xywhToXyxy, xyxyToCxcywh, xyxyToXywh } from './box-convert';
export type { BoxDeltaOptions } from './box-delta';
export { decodeBoxDelta, decodeBoxDeltas, encodeBoxDelta, encodeBoxDeltas } from './box-delta';
export { boxIoU, boxIoUAt, matchedIoU, oneToManyIoU, pairwiseIoU } from './box-iou';
export { boxNMS } from './box-nms';
export { scaleBoxes } from './box-scale';
export type { CubicSpline, OutsidePolicy, SplineBoundary } from './cubic-spline';
export { evaluateCubicSpline, fitCubicSpline } from './cubic-spline';
export {
  type DetectedTube,
  emptyFrameDetections,
  emptyTubeletDetections,
  type FrameDetections,
  type TubeletDetections,
} from './detections';
export type { ExtrapolateOptions } from './extrapolation';
export { extrapolateTubelet } from './extrapolation';
export type { GridAnchorOptions } from './grid-anchors';
export { anchorSizes, gridAnchors } from './grid-anchors';
export type { InterpolateOptions, InterpolationMethod } from './interpolation';
export { interpolateBoxes, interpolateTube, resampleTube } from './interpolation';
export type { KeyTimestampOptions, KeyTimestampSelection } from './key-timestamps';
export { selectKeyTimestamps } from './key-timestamps';
export { searchArea, selectInSearchArea } from './local-search';
export type { NMSOptions, NMSResult } from './nms';
export {
  decodePolynomialTube,
  encodePolynomialTube,
  evaluatePolynomialTube,
  fitPolynomialTube,
  normalizedTimestamps,
} from './polynomial-tube';
export type { SeededRandom } from './random';
export { createRandom } from './random';
export type { SegmentIoUs } from './segment-iou';
export { segmentIoUs } from './segment-iou';
export type { SpanArray } from './span';
export { spanCount } from './span';
export type { SpanAnchorOptions } from './span-anchors';
export { spanAnchors } from './span-anchors';
export type { SpanDeltaOptions } from './span-delta';
export { decodeSpanDeltas, encodeSpanDeltas } from './span-delta';
export type { SpanIoUOptions } from './span-iou';
export { matchedSpanIoU, pairwiseSpanIoU } from './span-iou';
export type { SpanNMSOptions } from './span-nms';
export { spanNMS } from './span-nms';
export type { TubeIoUConvention } from './temporal-iou';
export { temporalIoU, temporalIoUOfSpans } from './temporal-iou';
export type { FrameSpan, Tube } from './tube';
export { temporalIntersection, tubeEnd, tubeLength, tubeSlice } from './tube';
export type { MeanFrameIoUOptions, TubeIoUOptions } from './tube-iou';
export { conventionPixelInclusive, meanFrameIoU, tubeIoU } from './tube-iou';
export type { TubeNMSOptions } from './tube-nms';
export { tubeNMS } from './tube-nms';
export type { TubeletNMSOptions } from './tubelet-nms';
export { tubeletNMS } from './tubelet-nms';
