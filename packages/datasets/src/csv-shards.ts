import { open } from 'node:fs/promises';
import { TubekitFormatError } from './format-error';
import type { CsvByteRange } from './numeric-csv';

const WINDOW = 1 << 16;

/**
 * Splits a detection CSV into up to `parts` byte ranges of about equal size, each starting where
 * the video changes (so that each video lies in one part and the parts, in order, are the file),
 * for reading and evaluating the parts in parallel (`readFrameDetectionsByVideo`'s `range`).
 * The video is the header's `video` column. `undefined` when the file cannot be split this way:
 * no `video` column, a quote in the header or near a cut, or fewer than two parts found (e.g.
 * one video). A cut is searched for from the middle of its part onwards.
 */
export async function csvShards(path: string, parts: number): Promise<CsvByteRange[] | undefined> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new TubekitFormatError(path, '', `cannot read CSV: ${error.code ?? error.message}`);
  });
  try {
    const { size } = await handle.stat();
    const read = async (at: number, length: number) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0, WINDOW);
    const nl = head.indexOf(10);
    if (nl < 0) return undefined;
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    const header = head.toString('utf8', bom, nl).replace(/\r$/, '');
    if (header.includes('"')) return undefined;
    const column = header.split(',').findIndex((name) => name.trim() === 'video');
    if (column < 0) return undefined;
    const dataStart = nl + 1;
    /** The video cell of the line `[s, e)`, or undefined when the line holds a quote. */
    const video = (b: Buffer, s: number, e: number): string | undefined => {
      const text = b.toString('latin1', s, e);
      if (text.includes('"')) return undefined;
      return text.split(',')[column]?.trim();
    };
    /**
     * The first line start after byte `from` where the video differs from the line before, −1
     * when there is none before `to`, undefined at a quote.
     */
    const cut = async (from: number, to: number): Promise<number | undefined> => {
      for (let at = from; at < to; ) {
        const b = await read(at, WINDOW);
        let s = b.indexOf(10) + 1; // the first whole line of the window
        if (s === 0) return -1;
        let previous: string | undefined;
        for (;;) {
          const e = b.indexOf(10, s);
          if (e < 0) break;
          const v = video(b, s, e);
          if (v === undefined) return undefined;
          if (previous !== undefined && v !== previous) return at + s;
          previous = v;
          s = e + 1;
        }
        if (b.length < WINDOW) return -1; // the end of the file
        // the next window starts with the last whole line of this one (its video is the previous)
        const last = b.lastIndexOf(10);
        const lastStart = last > 0 ? b.lastIndexOf(10, last - 1) + 1 : 0;
        if (lastStart <= 1) return -1; // a line longer than the window
        at += lastStart - 1;
      }
      return -1;
    };
    const cuts = [dataStart];
    for (let i = 1; i < parts; i++) {
      const target = dataStart + Math.floor(((size - dataStart) * i) / parts);
      if (target <= cuts[cuts.length - 1]!) continue;
      const at = await cut(target - 1, size);
      if (at === undefined) return undefined;
      if (at > cuts[cuts.length - 1]! && at < size) cuts.push(at);
    }
    cuts.push(size);
    if (cuts.length < 3) return undefined;
    return cuts.slice(1).map((end, i) => ({ start: cuts[i]!, end }));
  } finally {
    await handle.close();
  }
}
