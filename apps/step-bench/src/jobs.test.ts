import { stepModels } from './configurations';
import { stepJobs, stepTrunkJob, stepTrunkJobs, type TrunkJobConfig, withAncestors } from './jobs';
import { PROFILES, seedProfile, trunkProfile, withSeeds } from './profiles';
import { type SynthBench, trunkPath } from './train-models';

describe('stepJobs', () => {
  const profile = withSeeds(PROFILES.smoke, [1, 2, 3]);
  const models = stepModels(profile.baseStream);

  it('pretrains one trunk per stream for every seed, and makes one model job per configuration and seed', () => {
    const jobs = stepJobs(profile, models);
    const trunks = jobs.filter((j) => j.kind === 'step-trunk');
    expect(trunks.map((j) => j.label)).toEqual(['rgb trunk', 'flow trunk', 'early trunk']);
    expect(jobs.filter((j) => j.kind === 'step-model')).toHaveLength(3 * models.length);
    const byLabel = new Map(jobs.map((j) => [j.label, j]));
    const early = byLabel.get('early trunk');
    if (!early) throw new Error('no early trunk job');
    for (const seed of [1, 2, 3])
      expect(byLabel.get(`early seed ${seed}`)?.parents).toEqual([early.id]);
    // the trunk is pretrained under the pretraining seed, whatever the model seeds
    expect((early.config as TrunkJobConfig).profile).toEqual(trunkProfile(profile));
    // and is the very job another bench's models wait on in a queue (same id)
    expect(stepTrunkJob(seedProfile(PROFILES.smoke, 2), 'early', '').id).toBe(early.id);
    // the RGB ⊕ flow trunk starts from the flow trunk (pretrain.earlyFromFlow): its job's child
    const flow = byLabel.get('flow trunk');
    expect(early.parents).toEqual([flow?.id]);
    expect(flow?.parents).toEqual([]);
    expect(stepTrunkJobs(profile, 'early').map((j) => j.id)).toEqual([flow?.id, early.id]);
    const scratch = { ...profile, pretrain: { ...profile.pretrain, earlyFromFlow: undefined } };
    expect(stepTrunkJob(scratch, 'early', '').parents).toEqual([]);
    expect(stepTrunkJobs(scratch, 'early')).toHaveLength(1);
  });

  it('runs a subset of the models with every trunk job they need, their parents included', () => {
    const jobs = stepJobs(profile, models);
    const earlyModel = jobs.filter((j) => j.label === 'early seed 2');
    expect(withAncestors(jobs, earlyModel).map((j) => j.label)).toEqual([
      'flow trunk',
      'early trunk',
      'early seed 2',
    ]);
    const rgbModel = jobs.filter((j) => j.label === 'smax3 seed 1');
    expect(withAncestors(jobs, rgbModel).map((j) => j.label)).toEqual([
      'rgb trunk',
      'smax3 seed 1',
    ]);
  });

  it('names one trunk file for every seed of a profile', () => {
    const bench = (seed: number) =>
      ({
        profile: seedProfile(PROFILES.smoke, seed),
        cacheDir: '/c',
        train: [],
      }) as unknown as SynthBench;
    expect(trunkPath(bench(3), 'rgb')).toBe(trunkPath(bench(1), 'rgb'));
    const other = {
      ...bench(1),
      profile: { ...PROFILES.smoke, pretrain: { ...PROFILES.smoke.pretrain, seed: 2 } },
    } as SynthBench;
    expect(trunkPath(other, 'rgb')).not.toBe(trunkPath(bench(1), 'rgb'));
    expect(trunkPath(other, 'rgb')).toMatch(/\/c\/seed-2\/trunk-rgb\.[0-9a-f]{12}\.safetensors$/);
    // starting the RGB ⊕ flow trunk from the flow trunk renames that trunk only
    const scratch = {
      ...bench(1),
      profile: {
        ...PROFILES.smoke,
        pretrain: { ...PROFILES.smoke.pretrain, earlyFromFlow: undefined },
      },
    } as SynthBench;
    expect(trunkPath(scratch, 'rgb')).toBe(trunkPath(bench(1), 'rgb'));
    expect(trunkPath(scratch, 'flow')).toBe(trunkPath(bench(1), 'flow'));
    expect(trunkPath(scratch, 'early')).not.toBe(trunkPath(bench(1), 'early'));
  });
});

describe('withSeeds', () => {
  it('replaces the model seeds and refuses lists that are not distinct positive integers', () => {
    expect(withSeeds(PROFILES.quick, [1, 2, 3]).seeds).toEqual([1, 2, 3]);
    expect(withSeeds(PROFILES.quick)).toBe(PROFILES.quick);
    for (const bad of [[], [0], [1, 1], [1.5]])
      expect(() => withSeeds(PROFILES.quick, bad)).toThrow(/expected distinct positive integers/);
  });
});
