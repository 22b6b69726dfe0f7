import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stepJobs } from '@tubekit/step-bench/jobs';
import { PROFILES as STEP_PROFILES, synthConfigOf } from '@tubekit/step-bench/profiles';
import { CFAD_JOB_KINDS, type CfadModelJobConfig, cfadJobs, cfadQueueJobs } from './jobs';
import { PROFILES } from './profiles';
import { profileModels } from './results';

describe('cfadJobs', () => {
  const dirs = { outDir: '/r/cfad', stepOutDir: '/r/step' };
  const trunks = mkdtempSync(join(tmpdir(), 'cfad-jobs-'));
  afterAll(() => rmSync(trunks, { recursive: true, force: true }));
  // only the RGB trunk is pretrained already
  writeFileSync(join(trunks, 'rgb'), '');
  const trunkFile = (modality: string) => join(trunks, modality);
  const models = [1, 2].flatMap((seed) =>
    profileModels(PROFILES.smoke).map((config) => ({ config, seed })),
  );

  it('makes one job per model and seed, each a child of the trunk job its stream lacks (one for every seed)', () => {
    const jobs = cfadJobs('smoke', models, dirs, trunkFile);
    const labels = jobs.map((j) => j.label);
    expect(labels.filter((l) => l.includes('trunk'))).toEqual(['early trunk']);
    expect(labels.filter((l) => !l.includes('trunk'))).toHaveLength(2 * 6);
    const byLabel = new Map(jobs.map((j) => [j.label, j]));
    expect(byLabel.get('dynamic-k1 seed 1')?.parents).toEqual([]);
    expect(byLabel.get('dynamic-k1 seed 2')?.parents).toEqual([]);
    for (const seed of [1, 2])
      expect(byLabel.get(`dynamic-k1-early seed ${seed}`)?.parents).toEqual([
        byLabel.get('early trunk')?.id,
      ]);
    const config = byLabel.get('static-k2 seed 1')?.config as CfadModelJobConfig;
    expect(config).toEqual({
      profile: 'smoke',
      model: models.find((m) => m.config.id === 'static-k2')?.config,
      seed: 1,
      trunk: trunkFile('rgb'),
      outDir: dirs.outDir,
      convolutions: 'onnxruntime', // the default, named in the job
    });
    const missing = () => join(trunks, 'none');
    const rgbTrunk = cfadJobs('smoke', models, dirs, missing).find((j) => j.label === 'rgb trunk');
    expect(rgbTrunk?.config).toEqual({
      profile: 'smoke',
      modality: 'rgb',
      stepOutDir: dirs.stepOutDir,
      convolutions: 'onnxruntime',
    });
    // one seed: labels without it
    const cached = () => join(trunks, 'rgb');
    expect(cfadJobs('smoke', models.slice(0, 6), dirs, cached).map((j) => j.label)).toEqual(
      profileModels(PROFILES.smoke).map((m) => m.id),
    );
  });

  it("queues each model as the child of step-bench's own step-trunk job, naming no folder", () => {
    const jobs = cfadQueueJobs('smoke', models);
    const trunks = jobs.filter((j) => j.kind === 'step-trunk');
    // the RGB ⊕ flow trunk starts from the flow trunk (step's pretrain.earlyFromFlow), so both queue
    expect(trunks.map((j) => j.label)).toEqual(['rgb trunk', 'flow trunk', 'early trunk']);
    expect(trunks[2]?.parents).toEqual([trunks[1]?.id]);
    // the very jobs `--paper step --queue` queues (same ids): their stored trunks are reused
    const step = new Set(stepJobs({ ...STEP_PROFILES.smoke, seeds: [1, 2] }).map((j) => j.id));
    for (const t of trunks) expect(step.has(t.id)).toBe(true);
    const byLabel = new Map(jobs.map((j) => [j.label, j]));
    const model = byLabel.get('dynamic-k1-early seed 2');
    expect(model?.parents).toEqual([byLabel.get('early trunk')?.id]);
    expect(Object.keys(model?.config as CfadModelJobConfig).sort()).toEqual([
      'convolutions',
      'model',
      'profile',
      'seed',
    ]);
    expect(model?.environment).toEqual({ dataset: synthConfigOf(STEP_PROFILES.smoke, 'dynamic') });
  });

  it('maps its kinds to modules that exist', () => {
    expect(Object.keys(CFAD_JOB_KINDS).sort()).toEqual(['cfad-model', 'step-shared-trunk']);
    for (const path of Object.values(CFAD_JOB_KINDS)) expect(existsSync(path)).toBe(true);
  });
});
