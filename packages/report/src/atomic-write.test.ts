import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAtomicWriteStream, writeFileAtomic, writeFileAtomicSync } from './atomic-write';

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
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow();
    expect(readdirSync(join(dir, '..')).filter((f) => f.startsWith('.tubekit-atomic'))).toEqual([]);
  });
});
