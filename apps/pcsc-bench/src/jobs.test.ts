import { existsSync } from 'node:fs';
import { benchConfigs } from './bench-data';
import { PCSC_JOB_KINDS, type PcscModelJobConfig, pcscJobs } from './jobs';
import { PROFILES } from './profiles';

describe('pcscJobs', () => {
  const models = [1, 2].flatMap((seed) =>
    (['fpn', 'pcsc'] as const).map((model) => ({ model, seed })),
  );
  const local = {
    outDir: '/r/pcsc',
    trunkCached: (stream: string, seed: number) => seed === 2 || stream === 'rgb',
  };

  it('makes one job per model and seed, children of the trunk jobs their seed lacks', () => {
    const jobs = pcscJobs('smoke', models, local);
    expect(jobs.map((j) => j.label)).toEqual([
      'flow trunk seed 1',
      'fpn seed 1',
      'pcsc seed 1',
      'fpn seed 2',
      'pcsc seed 2',
    ]);
    const [flow, fpn1, , fpn2] = jobs;
    expect(flow!.config).toEqual({
      profile: 'smoke',
      stream: 'flow',
      seed: 1,
      outDir: '/r/pcsc',
      convolutions: 'onnxruntime', // the default, named in the job
    });
    expect(fpn1!.parents).toEqual([flow!.id]);
    expect(fpn2!.parents).toEqual([]);
    expect(fpn1!.config as PcscModelJobConfig).toEqual({
      profile: 'smoke',
      model: 'fpn',
      seed: 1,
      outDir: '/r/pcsc',
      convolutions: 'onnxruntime',
    });
    expect(fpn1!.environment).toEqual({ dataset: benchConfigs(PROFILES.smoke) });
    // the same work has the same id; where the convolutions run is part of it
    const all = { ...local, trunkCached: () => true };
    expect(pcscJobs('smoke', models, all).map((j) => j.id)).toEqual(jobs.slice(1).map((j) => j.id));
    const wasm = pcscJobs('smoke', models, all, 'wasm');
    expect((wasm[0]!.config as PcscModelJobConfig).convolutions).toBeUndefined(); // ids of old runs
    expect(wasm[0]!.id).not.toBe(jobs[1]!.id);
  });

  it('queues every trunk as a job and names no folder', () => {
    const jobs = pcscJobs('smoke', models, undefined);
    expect(jobs.filter((j) => j.kind === 'pcsc-trunk').map((j) => j.label)).toEqual([
      'rgb trunk seed 1',
      'flow trunk seed 1',
      'rgb trunk seed 2',
      'flow trunk seed 2',
    ]);
    const pcsc2 = jobs.find((j) => j.label === 'pcsc seed 2');
    expect(pcsc2?.parents).toHaveLength(2);
    expect(pcsc2?.config).toEqual({
      profile: 'smoke',
      model: 'pcsc',
      seed: 2,
      convolutions: 'onnxruntime',
    });
  });

  it('maps its kinds to modules that exist', () => {
    expect(Object.keys(PCSC_JOB_KINDS).sort()).toEqual(['pcsc-model', 'pcsc-trunk']);
    for (const path of Object.values(PCSC_JOB_KINDS)) expect(existsSync(path)).toBe(true);
  });
});
