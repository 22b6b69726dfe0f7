import type { FrameDetectionRows } from '@tubekit/datasets';

/** What the frame-reading worker is given (`workerData`). */
export interface FrameReadRequest {
  path: string;
  lenient: boolean;
  /** A shared Int32 counter: videos posted and not yet evaluated. */
  inFlight: SharedArrayBuffer;
}

/** Videos the reading worker may run ahead of the evaluator. */
export const MAX_IN_FLIGHT = 8;

/** Messages of the frame-reading worker to its parent. */
export type FrameReadMessage =
  | { type: 'restart' }
  | { type: 'rows'; rows: FrameDetectionRows }
  | { type: 'done' }
  | { type: 'error'; file?: string; place?: string; detail: string };
