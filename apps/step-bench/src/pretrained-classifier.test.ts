import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoAnnotation } from '@tubekit/datasets';
import { initBackend, readCheckpoint, tf } from '@tubekit/nn';
import { type ClassifierSource, classifierPath, storedClassifier } from './pretrained-classifier';
import { PROFILES } from './profiles';
import { createTrunk, tubeActors } from './trunks';

beforeAll(async () => {
  await initBackend({ log: () => undefined });
});

const profile = PROFILES.smoke;
const S = profile.frameSize;

/** Two toy videos of 12 frames, each with one tube of its class. */
const videos: VideoAnnotation[] = [0, 1].map((label) => ({
  name: `c${label}/v${label}`,
  nframes: 12,
  width: S,
  height: S,
  tubes: [
    {
      label,
      start: 2,
      boxes: Float64Array.from({ length: 10 * 4 }, (_, i) => [4, 6, 20, 28][i % 4]),
    },
  ],
})) as unknown as VideoAnnotation[];

const source = (dir: string, over: Partial<ClassifierSource> = {}): ClassifierSource => ({
  profile,
  modality: 'rgb',
  numClasses: 2,
  trunk: createTrunk(profile, 'rgb'),
  trunkPath: join(dir, 'trunk-rgb.abc.safetensors'),
  train: videos,
  read: (video, f) =>
    new Float32Array(S * S * 3).fill(video.name.startsWith('c0') ? 0.2 : 0.8 + f / 100),
  actors: tubeActors(S),
  log: () => undefined,
  ...over,
});

describe('storedClassifier', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'step-classifier-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the classifier beside the trunk under a name that changes with its settings', () => {
    const a = source(dir);
    const path = classifierPath(a);
    expect(path.startsWith(`${a.trunkPath}.classifier-`)).toBe(true);
    expect(path.endsWith('.safetensors')).toBe(true);
    expect(classifierPath(source(dir))).toBe(path);
    const more = { ...profile, classifier: { ...profile.classifier, iterations: 4 } };
    expect(classifierPath(source(dir, { profile: more }))).not.toBe(path);
    expect(classifierPath(source(dir, { train: videos.slice(0, 1) }))).not.toBe(path);
    const plain = { ...profile, classifier: { ...profile.classifier, boxRegression: false } };
    expect(classifierPath(source(dir, { profile: plain }))).not.toBe(path);
    a.trunk.dispose();
  });

  it('trains once, then every later call reuses the file, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const first = source(dir, { log: (line) => lines.push(line) });
    const path = await storedClassifier(first);
    expect(path).toBe(classifierPath(first));
    expect(existsSync(path as string)).toBe(true);
    expect(existsSync(`${path}.partial`)).toBe(false);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(lines.some((l) => l.includes('rgb classifier pretrained (3 iterations'))).toBe(true);
    const names = (await readCheckpoint(path as string)).tensors.map((t) => t.name);
    expect(names).toContain('param/classifier/0');
    expect(names).toContain('param/classifier/9');
    // the smoke profile pretrains the box regression too: the local branch's fc and regressor
    expect(names.filter((n) => n.startsWith('param/local/')).sort()).toEqual([
      'param/local/0',
      'param/local/1',
      'param/local/2',
      'param/local/3',
    ]);
    const written = statSync(path as string).mtimeMs;
    first.trunk.dispose();
    const again = source(dir, { log: (line) => lines.push(line) });
    const count = lines.length;
    expect(await storedClassifier(again)).toBe(path);
    expect(lines.length).toBe(count);
    expect(statSync(path as string).mtimeMs).toBe(written);
    again.trunk.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pretrains nothing for a profile without classifier iterations', async () => {
    const none = { ...profile, classifier: { ...profile.classifier, iterations: 0 } };
    const s = source(dir, { profile: none });
    expect(await storedClassifier(s)).toBeUndefined();
    expect(existsSync(classifierPath(s))).toBe(false);
    s.trunk.dispose();
  });
});
