import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { SAMPLE, writeTestMat } from '../test/mat-writer';
import { actDatasetFromPickle } from './act-pickle';
import { tubekitDataPath } from './data-dir';
import { TubekitFormatError } from './format-error';
import { readJhmdbTextGt } from './jhmdb-text-gt';
import { parseMat } from './mat-v5';
import { unpickle } from './pickle';
import { crc32, listZipEntries, readZipEntry } from './zip-archive';

/** mulberry32: a small seeded PRNG so every fuzz run is the same. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stored + deflated zip of J-HMDB-like entries, built with our CRC and node:zlib. */
function makeZip(files: Record<string, string>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = new TextEncoder().encode(text);
    const packed = deflateRawSync(data);
    const nameBytes = new TextEncoder().encode(name);
    const local = new Uint8Array(30 + nameBytes.length + packed.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(14, crc32(data), true);
    lv.setUint32(18, packed.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    local.set(packed, 30 + nameBytes.length);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, crc32(data), true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...locals, ...centrals, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of all) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function readAllZip(bytes: Uint8Array): string[] {
  return listZipEntries(bytes, 'f.zip').map((e) =>
    new TextDecoder().decode(readZipEntry(bytes, e, 'f.zip')),
  );
}

/**
 * Feeds `parse` random truncations (must throw a TubekitFormatError) and random bit flips (must
 * return or throw a TubekitFormatError — never another error type, a crash or a hang).
 */
function fuzz(
  name: string,
  good: Uint8Array,
  parse: (b: Uint8Array) => unknown,
  seed: number,
  rounds: number,
  validCut: (cut: number) => boolean = () => false,
) {
  const rand = prng(seed);
  for (let r = 0; r < rounds; r++) {
    const cut = Math.floor(rand() * good.length);
    try {
      parse(good.slice(0, cut));
      if (validCut(cut)) continue;
      throw new Error(`${name}: truncation to ${cut} bytes was accepted`);
    } catch (error) {
      if (!(error instanceof TubekitFormatError))
        throw new Error(`${name}: truncation to ${cut} bytes threw ${(error as Error).stack}`);
    }
    const flipped = good.slice();
    const flips = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < flips; k++) {
      const bit = Math.floor(rand() * flipped.length * 8);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
    }
    try {
      parse(flipped);
    } catch (error) {
      if (!(error instanceof TubekitFormatError))
        throw new Error(`${name}: bit flips (round ${r}) threw ${(error as Error).stack}`);
    }
  }
}

describe('binary readers under random corruption (seeded)', () => {
  it('pickle: the MultiSports fixture through unpickle and the ACT reader', () => {
    const good = readFileSync(tubekitDataPath('fixtures/multisports/gt.pkl'));
    fuzz('pickle', good, (b) => actDatasetFromPickle(unpickle(b, 'gt.pkl'), 'gt.pkl'), 1, 300);
  });

  it('MAT v5: plain and compressed', () => {
    // a MAT-file cut right after its 128-byte header is a valid file without variables
    const headerOnly = (cut: number) => cut === 128;
    fuzz('mat', writeTestMat(SAMPLE), (b) => parseMat(b, 's.mat'), 2, 400, headerOnly);
    fuzz('mat-z', writeTestMat(SAMPLE, true), (b) => parseMat(b, 'z.mat'), 3, 400, headerOnly);
  });

  it('zip: entries are checked by size and CRC', () => {
    const zip = makeZip({
      'gt/clap_v_00001.txt': '3 1 2 30 40\n',
      'gt/clap_v_00002.txt': '3 2 2 31 40\n',
    });
    expect(readAllZip(zip)).toEqual(['3 1 2 30 40\n', '3 2 2 31 40\n']);
    fuzz('zip', zip, readAllZip, 4, 400);
  });

  it('zip: a member that would inflate to megabytes is refused by its size, not echoed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-zip-'));
    try {
      const path = join(dir, 'gt.zip');
      writeFileSync(
        path,
        makeZip({
          'clap_Boom_Snap_Clap_clap_u_nm_np1_fr_med_1_00001.txt': `3 ${'1'.repeat(20_000_000)}`,
        }),
      );
      const error = await readJhmdbTextGt(path).catch((e: Error) => e);
      expect(error).toBeInstanceOf(TubekitFormatError);
      expect((error as Error).message).toBe(
        `${path} (entry clap_Boom_Snap_Clap_clap_u_nm_np1_fr_med_1_00001.txt): 20000002 bytes; a per-frame ground-truth file is one line "class x1 y1 x2 y2" (at most 4096 bytes)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
