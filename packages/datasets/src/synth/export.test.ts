import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatasetJson } from '../dataset-json';
import { openImageFolderSource } from '../frame-source-image-folder';
import { exportSynthTubes } from './export';
import { createSynthTubes } from './synth-tubes';

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual('node:fs/promises');
  return { ...actual, writeFile: jest.fn(actual.writeFile) };
});

describe('exportSynthTubes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tubekit-synth-export-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes frame folders that read back as the generated frames, and the canonical GT', async () => {
    const synth = createSynthTubes({ preset: 'smoke', seed: 8 });
    const progress: number[] = [];
    const summary = await exportSynthTubes(synth, dir, {
      limit: 1,
      rgbFormat: 'png',
      onProgress: (done) => progress.push(done),
    });
    expect(summary.videos).toBe(2);
    expect(progress).toEqual([1, 2]);
    const gt = await readDatasetJson(summary.gt);
    expect(gt.videos).toHaveLength(synth.dataset.videos.length);
    expect(gt.splits).toEqual(synth.dataset.splits);
    const name = synth.dataset.splits.test![0]!;
    expect(readdirSync(join(dir, 'flow', name)).length).toBe(synth.scene(name).nframes);
    for (const modality of ['rgb', 'flow'] as const) {
      const disk = await openImageFolderSource(join(dir, modality, name), { video: name });
      const memory = synth.frameSource(name, modality);
      expect(disk.nframes).toBe(memory.nframes);
      const a = await disk.read(3);
      const b = await memory.read(3);
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6); // PNG: 8-bit quantisation only
    }
  });

  it('leaves nothing behind when a write fails mid-way (disk full), and names the folder', async () => {
    const out = join(dir, 's');
    const synth = createSynthTubes({ preset: 'smoke', seed: 8 });
    const writeFile = jest.mocked(fsPromises.writeFile);
    const actual = jest.requireActual('node:fs/promises').writeFile;
    let calls = 0;
    writeFile.mockImplementation(async (...args: Parameters<typeof actual>) => {
      if (++calls === 20)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
      return actual(...args);
    });
    try {
      await expect(exportSynthTubes(synth, out, { limit: 1, modalities: ['rgb'] })).rejects.toThrow(
        `cannot write ${out}: ENOSPC: no space left on device`,
      );
    } finally {
      writeFile.mockImplementation(actual);
    }
    expect(existsSync(join(out, 'rgb'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.s.'))).toEqual([]);
    // a later export replaces an earlier one entry by entry
    await exportSynthTubes(synth, out, { limit: 1, modalities: ['rgb'] });
    const again = await exportSynthTubes(synth, out, { limit: 1, modalities: ['rgb'] });
    expect(readdirSync(out).sort()).toEqual(
      ['rgb', 'synthtubes-smoke.config.json', 'synthtubes-smoke.tubes.json'].sort(),
    );
    expect(JSON.parse(readFileSync(again.config, 'utf8')).seed).toBe(8);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
