import type { PositivesData } from './class-positives';
import type { InputWarnings } from './input-issues';

/**
 * What one shard of a frame-mAP evaluation hands over (`FrameMeanAPEvaluator.shard`): plain
 * data, so that it crosses threads. A shard evaluates a contiguous part of the detections (in
 * file order), whole videos only.
 */
export interface FrameShard {
  /** Per label, its true positives, positions counted in this shard's score log. */
  positives: PositivesData[];
  /** Score-log entries per label. */
  counts: Float64Array;
  warnings: InputWarnings;
  /** The videos it evaluated. */
  videos: string[];
}

/** The shards of one evaluation, merged in file order ({@link mergeFrameShards}). */
export interface MergedFrameShards {
  /** Per label, every shard's true positives, positions counted in the whole score log. */
  positives: PositivesData[];
  /** Score-log entries per label, all shards. */
  counts: Float64Array;
  warnings: InputWarnings;
  /** Per shard, per label: the score-log entries of the shards before it. */
  offsets: Float64Array[];
}

/**
 * Merges the shards of one evaluation, given in file order: the score log of the whole
 * evaluation is the shards' logs one after the other, so a true positive's position in it is its
 * position in its shard's log plus the entries of the same label in the shards before. Throws
 * when a video is in two shards (its rows were not contiguous: evaluate it in one piece).
 */
export function mergeFrameShards(shards: readonly FrameShard[]): MergedFrameShards {
  const labels = shards[0]?.counts.length ?? 0;
  const seen = new Set<string>();
  for (const shard of shards)
    for (const video of shard.videos) {
      if (seen.has(video))
        throw new Error(`frame-mAP shards: video ${JSON.stringify(video)} is in two shards`);
      seen.add(video);
    }
  const counts = new Float64Array(labels);
  const offsets = shards.map((shard) => {
    const offset = counts.slice();
    for (let c = 0; c < labels; c++) counts[c] += shard.counts[c]!;
    return offset;
  });
  const positives = Array.from({ length: labels }, (_, c): PositivesData => {
    const parts = shards.map((s) => s.positives[c]!);
    const length = parts.reduce((n, p) => n + p.length, 0);
    const width = parts.reduce((w, p) => (p.length > 0 ? p.tp.length / p.length : w), 0);
    const merged: PositivesData = {
      length,
      scores: new Float64Array(length),
      positions: new Float64Array(length),
      tp: new Uint8Array(length * width),
    };
    let at = 0;
    parts.forEach((p, s) => {
      merged.scores.set(p.scores.subarray(0, p.length), at);
      merged.tp.set(p.tp.subarray(0, p.length * width), at * width);
      for (let i = 0; i < p.length; i++)
        merged.positions[at + i] = p.positions[i]! + offsets[s]![c]!;
      at += p.length;
    });
    return merged;
  });
  const warnings: InputWarnings = { skipped: {}, outsideEvaluatedVideos: 0 };
  for (const shard of shards) {
    warnings.outsideEvaluatedVideos += shard.warnings.outsideEvaluatedVideos;
    for (const [kind, n] of Object.entries(shard.warnings.skipped) as [
      keyof InputWarnings['skipped'],
      number,
    ][])
      warnings.skipped[kind] = (warnings.skipped[kind] ?? 0) + n;
  }
  return { positives, counts, warnings, offsets };
}
