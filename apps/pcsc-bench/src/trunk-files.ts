/** PCSC's two streams, each with its own pretrained step trunk. */
export const STREAMS = ['rgb', 'flow'] as const;

/** One of PCSC's streams. */
export type Stream = (typeof STREAMS)[number];

/** The files of the step profile's pretrained trunks, per stream (`trunkPath` of step-bench). */
export type TrunkFiles = Record<Stream, string>;
