import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, readCacheJson } from './damaged-cache';

describe('readCacheJson', () => {
  const dir = mkdtempSync(join(tmpdir(), 'step-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads good files and treats missing ones as absent', () => {
    writeFileSync(join(dir, 'a.json'), '{"x":1}');
    expect(readCacheJson(join(dir, 'a.json'), () => undefined)).toEqual({ x: 1 });
    expect(readCacheJson(join(dir, 'none.json'), () => undefined)).toBeUndefined();
  });

  it('reports a cut-off file by path in one line and sets it aside', () => {
    const path = join(dir, 'cut.json');
    writeFileSync(path, `{"frameMapByStep":[1.25,2.`);
    const lines: string[] = [];
    expect(readCacheJson(path, (l) => lines.push(l))).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^step-bench: damaged cache file ${path} \\(.*JSON.*\\); set aside as ${path}\\.damaged-`,
      ),
    );
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('cut.json.damaged-'))).toHaveLength(1);
  });

  it('keeps error text to one short line', () => {
    expect(firstLine(new Error(`a\n${'b'.repeat(10)}`))).toBe('a');
    expect(firstLine(new Error('x'.repeat(1000))).length).toBe(200);
  });
});
