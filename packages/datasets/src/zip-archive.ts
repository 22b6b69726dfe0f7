import { inflateRawSync } from 'node:zlib';
import { TubekitFormatError } from './format-error';

/** One file in a zip archive's central directory. */
export interface ZipEntry {
  /** Path inside the archive (`/`-separated; directories end with `/`). */
  name: string;
  /** 0 stored, 8 deflate (the only methods supported). */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zip uses) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Lists the entries of a zip archive from its central directory (PKWARE APPNOTE 4.3: end of
 * central directory record, then one header per file). ZIP64 and encrypted archives are refused.
 * Every offset and size is checked against the archive's length, so a truncated or corrupt
 * archive fails with a {@link TubekitFormatError} naming the file and byte offset.
 *
 * @example
 * const entries = listZipEntries(readFileSync('groundtruths_jhmdb.zip'), 'groundtruths_jhmdb.zip');
 */
export function listZipEntries(bytes: Uint8Array, file = '<zip>'): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (offset: number, detail: string): never => {
    throw new TubekitFormatError(file, `byte ${offset}`, `zip: ${detail}`);
  };
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    fail(bytes.length, 'no end-of-central-directory record (truncated or not a zip archive)');
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) fail(eocd, 'ZIP64 archives are not supported');
  if (cdOffset + cdSize > eocd)
    fail(eocd, `central directory (${cdSize} bytes at ${cdOffset}) runs past its end record`);
  const entries: ZipEntry[] = [];
  let pos = cdOffset;
  const decoder = new TextDecoder('utf-8');
  for (let i = 0; i < count; i++) {
    if (pos + 46 > eocd) fail(pos, `central directory ends after ${i} of ${count} entries`);
    if (view.getUint32(pos, true) !== 0x02014b50)
      fail(pos, `expected central directory header ${i + 1}`);
    const flags = view.getUint16(pos + 8, true);
    const method = view.getUint16(pos + 10, true);
    const crc = view.getUint32(pos + 16, true);
    const compressedSize = view.getUint32(pos + 20, true);
    const size = view.getUint32(pos + 24, true);
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    const localHeaderOffset = view.getUint32(pos + 42, true);
    const end = pos + 46 + nameLength + extraLength + commentLength;
    if (end > eocd) fail(pos, `central directory header ${i + 1} runs past the directory`);
    const name = decoder.decode(bytes.subarray(pos + 46, pos + 46 + nameLength));
    if (flags & 1) fail(pos, `entry ${name} is encrypted`);
    if (method !== 0 && method !== 8)
      fail(
        pos,
        `entry ${name} uses compression method ${method} (only stored and deflate are supported)`,
      );
    if (localHeaderOffset + 30 + compressedSize > cdOffset)
      fail(pos, `entry ${name} lies outside the archive's data`);
    entries.push({ name, method, compressedSize, size, crc32: crc, localHeaderOffset });
    pos = end;
  }
  return entries;
}

/**
 * Extracts one entry's bytes (stored or deflate via node:zlib `inflateRawSync`) and checks its
 * size and CRC-32, so corrupt data never passes silently.
 *
 * @example
 * const text = new TextDecoder().decode(readZipEntry(bytes, entries[1], 'gt.zip'));
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry, file = '<zip>'): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  const fail = (detail: string): never => {
    throw new TubekitFormatError(file, `entry ${entry.name}, byte ${at}`, `zip: ${detail}`);
  };
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50)
    fail('expected a local file header');
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > bytes.length)
    fail('entry data runs past the end of the archive');
  const raw = bytes.subarray(start, start + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) data = raw;
  else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      return fail(`data does not inflate: ${(error as Error).message}`);
    }
  }
  if (data.length !== entry.size) fail(`expected ${entry.size} bytes, got ${data.length}`);
  if (crc32(data) !== entry.crc32) fail('CRC-32 mismatch (corrupt data)');
  return data;
}
