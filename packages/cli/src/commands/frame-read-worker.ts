/**
 * Worker-thread entry of `tubekit eval frame --threads N` (N ≥ 2): reads a frame-detection CSV
 * with `readFrameDetectionsByVideo` and posts each video's rows to the parent (typed arrays
 * transferred, not copied) while the parent evaluates the previous ones. At most
 * {@link MAX_IN_FLIGHT} videos wait in the parent at a time (a shared counter), so memory stays
 * bounded when the evaluator is the slower side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFrameDetectionsByVideo, TubekitFormatError } from '@tubekit/datasets';
import type { FrameReadMessage, FrameReadRequest } from './frame-read-protocol';
import { MAX_IN_FLIGHT } from './frame-read-protocol';

const { path, lenient, inFlight } = workerData as FrameReadRequest;
const counter = new Int32Array(inFlight);
const post = (message: FrameReadMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);

readFrameDetectionsByVideo(path, { lenient }, () => {
  post({ type: 'restart' });
  return (rows) => {
    for (;;) {
      const waiting = Atomics.load(counter, 0);
      if (waiting < MAX_IN_FLIGHT) break;
      Atomics.wait(counter, 0, waiting);
    }
    Atomics.add(counter, 0, 1);
    const { videos, videoIndex, frame, label, score, boxes, line, length } = rows;
    post({ type: 'rows', rows: { videos, videoIndex, frame, label, score, boxes, line, length } }, [
      videoIndex.buffer as ArrayBuffer,
      frame.buffer as ArrayBuffer,
      label.buffer as ArrayBuffer,
      score.buffer as ArrayBuffer,
      boxes.buffer as ArrayBuffer,
      line.buffer as ArrayBuffer,
    ]);
  };
}).then(
  () => post({ type: 'done' }),
  (error: unknown) =>
    post({
      type: 'error',
      ...(error instanceof TubekitFormatError
        ? { file: error.file, place: error.place, detail: error.detail }
        : { detail: (error as Error)?.message ?? String(error) }),
    }),
);
