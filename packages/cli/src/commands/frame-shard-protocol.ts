import type { ActionDataset, CsvByteRange } from '@tubekit/datasets';
import type { FrameShard, MergedFrameShards } from '@tubekit/metrics';

/** What a frame-evaluation shard worker is given (`workerData`). */
export interface FrameShardRequest {
  det: string;
  range: CsvByteRange;
  /** Its place among the shards (file order). */
  index: number;
  gt: ActionDataset;
  protocol: string;
  iou: ReadonlyArray<number | string>;
  videos: readonly string[] | undefined;
  lenient: boolean;
}

/** Messages of a shard worker to its parent. */
export type FrameShardMessage =
  | { type: 'shard'; shard: FrameShard; rows: number }
  | { type: 'counts'; counts: Float64Array[] }
  | { type: 'error'; detail: string };

/** The parent's message to a shard worker once every shard is in. */
export interface FrameShardMerged {
  merged: MergedFrameShards;
}
