/**
 * Worker-thread entry of `tubekit eval frame --threads N` (N ≥ 2): evaluates one byte range of a
 * frame-detection CSV (whole videos, `csvShards`) with its own `FrameMeanAPEvaluator`, posts its
 * shard (true positives, log counts, warnings), then, given the merged shards, counts its score
 * log's entries before every true positive and posts the counts. Any failure is posted as an
 * error; the parent then evaluates the file on one thread, which reports it in full.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFrameDetectionsByVideo } from '@tubekit/datasets';
import { FrameMeanAPEvaluator, protocolProfile } from '@tubekit/metrics';
import type {
  FrameShardMerged,
  FrameShardMessage,
  FrameShardRequest,
} from './frame-shard-protocol';
import { scoreSpillFile } from './score-spill-file';

const request = workerData as FrameShardRequest;
const post = (message: FrameShardMessage) => parentPort!.postMessage(message);
const spill = scoreSpillFile();
const fail = (error: unknown) => {
  spill.close();
  post({ type: 'error', detail: (error as Error)?.message ?? String(error) });
};

async function evaluateShard(): Promise<void> {
  const evaluator = new FrameMeanAPEvaluator(request.gt, {
    protocol: protocolProfile(request.protocol),
    iou: request.iou,
    videos: request.videos,
    lenient: request.lenient,
    scoreSpill: spill,
  });
  let rows = 0;
  await readFrameDetectionsByVideo(
    request.det,
    { lenient: request.lenient, range: request.range, borrowRows: true },
    () => (video) => {
      rows += video.length;
      evaluator.addVideo(video.videos[0]!, video);
    },
  );
  parentPort!.once('message', ({ merged }: FrameShardMerged) => {
    try {
      post({ type: 'counts', counts: evaluator.countBefore(merged, request.index) });
      spill.close();
    } catch (error) {
      fail(error);
    }
  });
  post({ type: 'shard', shard: evaluator.shard(), rows });
}

evaluateShard().catch(fail);
