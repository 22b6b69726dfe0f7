import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AtomicWriteError,
  openAtomicWriteStream,
  stageFileAtomic,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-write';

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises');
  return { ...actual, writeFile: jest.fn(actual.writeFile) };
});

describe('atomic writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tubekit-atomic-'));

  it('writes a whole file and creates parent directories', async () => {
    const path = join(dir, 'a', 'b', 'out.txt');
    await writeFileAtomic(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    writeFileAtomicSync(path, 'again');
    expect(readFileSync(path, 'utf8')).toBe('again');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('leaves the previous file untouched when a stream is aborted', async () => {
    const path = join(dir, 'stream.csv');
    writeFileSync(path, 'old');
    const out = openAtomicWriteStream(path);
    out.stream.write('partial');
    await out.abort();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('publishes a streamed file only on commit', async () => {
    const path = join(dir, 'streamed.csv');
    const out = openAtomicWriteStream(path);
    out.stream.write('a,b\n');
    expect(existsSync(path)).toBe(false);
    out.stream.write('1,2\n');
    await out.commit();
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
  });

  it('fails without leaving a temporary file when the target is a directory', async () => {
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(
      new AtomicWriteError(dir, 'EISDIR', 'EISDIR: it is a directory'),
    );
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow(`cannot write ${dir}: EISDIR`);
    expect(() => writeFileAtomicSync(dir, 'x')).toThrow(`cannot write ${dir}: EISDIR`);
    expect(() => openAtomicWriteStream(dir)).toThrow(`cannot write ${dir}: EISDIR`);
    expect(readdirSync(join(dir, '..')).filter((f) => f.startsWith('.tubekit-atomic'))).toEqual([]);
  });

  it('names the path the caller gave when the disk is full, never the temporary file', async () => {
    const path = join(dir, 'full.csv');
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
    });
    jest.mocked(fsPromises.writeFile).mockRejectedValueOnce(enospc);
    const error = await writeFileAtomic(path, 'x').catch((e: Error) => e);
    expect(error).toBeInstanceOf(AtomicWriteError);
    expect((error as Error).message).toBe(`cannot write ${path}: ENOSPC: no space left on device`);
    expect((error as AtomicWriteError).code).toBe('ENOSPC');
    expect(readdirSync(dir).filter((f) => f.startsWith('.full.csv'))).toEqual([]);
  });

  it('removes temporary files that a killed writer left for the same target', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'tubekit-stale-'));
    const path = join(sub, 'out.csv');
    // pid 2^22 + 1 is above Linux's largest pid_max (2^22): no such process
    const stale = '.out.csv.4194305.0123abcd.tmp';
    const live = `.out.csv.${process.pid}.0123abcd.tmp`;
    const other = '.other.csv.4194305.0123abcd.tmp'; // a killed staging folder of the same dir
    for (const name of [stale, live]) writeFileSync(join(sub, name), 'partial');
    mkdirSync(join(sub, other, 'rgb'), { recursive: true });
    await writeFileAtomic(path, 'whole');
    expect(readdirSync(sub).sort()).toEqual([live, 'out.csv'].sort());
  });

  it('stages a file so that two outputs appear together or not at all', async () => {
    const meta = join(dir, 'meta.json');
    const staged = await stageFileAtomic(meta, '{}');
    expect(existsSync(meta)).toBe(false);
    await staged.abort();
    expect(existsSync(meta)).toBe(false);
    const again = await stageFileAtomic(meta, '{"a":1}');
    await again.commit();
    expect(readFileSync(meta, 'utf8')).toBe('{"a":1}');
    expect(readdirSync(dir).filter((f) => f.startsWith('.meta.json'))).toEqual([]);
  });
});
