import { existsSync } from 'node:fs';
import { CFAD_JOB_KINDS, type CfadModelJobConfig, cfadJobs } from './jobs';
import { PROFILES } from './profiles';
import { profileModels } from './results';

describe('cfadJobs', () => {
  const dirs = { outDir: '/r/cfad', stepOutDir: '/r/step' };
  const models = [1, 2].flatMap((seed) =>
    profileModels(PROFILES.smoke).map((config) => ({ config, seed })),
  );

  it('makes one job per model and seed, each a child of the trunk job its stream and seed lack', () => {
    const jobs = cfadJobs(
      'smoke',
      models,
      dirs,
      (modality, seed) => seed === 2 && modality === 'rgb',
    );
    const labels = jobs.map((j) => j.label);
    expect(labels.filter((l) => l.includes('trunk'))).toEqual([
      'rgb trunk seed 1',
      'early trunk seed 1',
      'early trunk seed 2',
    ]);
    expect(labels.filter((l) => !l.includes('trunk'))).toHaveLength(2 * 6);
    const byLabel = new Map(jobs.map((j) => [j.label, j]));
    expect(byLabel.get('dynamic-k1 seed 1')?.parents).toEqual([
      byLabel.get('rgb trunk seed 1')?.id,
    ]);
    expect(byLabel.get('dynamic-k1 seed 2')?.parents).toEqual([]);
    expect(byLabel.get('dynamic-k1-early seed 2')?.parents).toEqual([
      byLabel.get('early trunk seed 2')?.id,
    ]);
    const config = byLabel.get('static-k2 seed 1')?.config as CfadModelJobConfig;
    expect(config).toEqual({
      profile: 'smoke',
      model: models.find((m) => m.config.id === 'static-k2')?.config,
      seed: 1,
      ...dirs,
    });
    // one seed: labels without it
    expect(cfadJobs('smoke', models.slice(0, 6), dirs, () => true).map((j) => j.label)).toEqual(
      profileModels(PROFILES.smoke).map((m) => m.id),
    );
  });

  it('maps its kinds to modules that exist', () => {
    expect(Object.keys(CFAD_JOB_KINDS).sort()).toEqual(['cfad-model', 'cfad-trunk']);
    for (const path of Object.values(CFAD_JOB_KINDS)) expect(existsSync(path)).toBe(true);
  });
});
