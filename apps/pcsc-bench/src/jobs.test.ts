import { existsSync } from 'node:fs';
import { PCSC_JOB_KINDS, type PcscModelJobConfig, pcscJobs } from './jobs';

describe('pcscJobs', () => {
  const models = [1, 2].flatMap((seed) =>
    (['fpn', 'pcsc'] as const).map((model) => ({ model, seed })),
  );

  it('makes one job per model and seed, children of the trunk jobs their seed lacks', () => {
    const jobs = pcscJobs(
      'smoke',
      models,
      '/r/pcsc',
      (stream, seed) => seed === 2 || stream === 'rgb',
    );
    expect(jobs.map((j) => j.label)).toEqual([
      'flow trunk seed 1',
      'fpn seed 1',
      'pcsc seed 1',
      'fpn seed 2',
      'pcsc seed 2',
    ]);
    const [flow, fpn1, , fpn2] = jobs;
    expect(flow!.config).toEqual({ profile: 'smoke', stream: 'flow', seed: 1, outDir: '/r/pcsc' });
    expect(fpn1!.parents).toEqual([flow!.id]);
    expect(fpn2!.parents).toEqual([]);
    expect(fpn1!.config as PcscModelJobConfig).toEqual({
      profile: 'smoke',
      model: 'fpn',
      seed: 1,
      outDir: '/r/pcsc',
    });
    // the same work has the same id; where the convolutions run is part of it
    expect(pcscJobs('smoke', models, '/r/pcsc', () => true).map((j) => j.id)).toEqual(
      jobs.slice(1).map((j) => j.id),
    );
    const ort = pcscJobs('smoke', models, '/r/pcsc', () => true, 'onnxruntime');
    expect((ort[0]!.config as PcscModelJobConfig).convolutions).toBe('onnxruntime');
    expect(ort[0]!.id).not.toBe(jobs[1]!.id);
  });

  it('maps its kinds to modules that exist', () => {
    expect(Object.keys(PCSC_JOB_KINDS).sort()).toEqual(['pcsc-model', 'pcsc-trunk']);
    for (const path of Object.values(PCSC_JOB_KINDS)) expect(existsSync(path)).toBe(true);
  });
});
