import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { STEP_JOB_KINDS, stepJobs } from '@tubekit/step-bench/jobs';
import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { benchConfigs } from './bench-data';
import { PCSC_JOB_KINDS, type PcscMapsJobConfig, type PcscModelJobConfig, pcscJobs } from './jobs';
import { PROFILES } from './profiles';

describe('pcscJobs', () => {
  const models = [1, 2].flatMap((seed) =>
    (['fpn', 'pcsc'] as const).map((model) => ({ model, seed })),
  );
  const trunks = mkdtempSync(join(tmpdir(), 'pcsc-jobs-'));
  afterAll(() => rmSync(trunks, { recursive: true, force: true }));
  // the step profile's RGB trunk is pretrained already, the flow trunk is not
  writeFileSync(join(trunks, 'rgb'), '');
  const local = {
    outDir: '/r/pcsc',
    stepOutDir: '/r/step',
    trunkFile: (stream: string) => join(trunks, stream),
  };

  it("makes one job per model and seed, children of the step trunk jobs that aren't cached", () => {
    const jobs = pcscJobs('smoke', models, local);
    expect(jobs.map((j) => j.label)).toEqual([
      'flow trunk',
      'fpn seed 1',
      'pcsc seed 1',
      'fpn seed 2',
      'pcsc seed 2',
    ]);
    const [flow, fpn1, , fpn2] = jobs;
    // every seed starts from the same pretrained trunks
    // step-bench's job that pretrains the step profile's trunk into its cache
    expect(flow!.kind).toBe('step-shared-trunk');
    expect(flow!.config).toEqual({
      profile: 'smoke',
      modality: 'flow',
      stepOutDir: '/r/step',
      convolutions: 'onnxruntime', // the default, named in the job
    });
    expect(fpn1!.parents).toEqual([flow!.id]);
    expect(fpn2!.parents).toEqual([flow!.id]);
    expect(fpn1!.config as PcscModelJobConfig).toEqual({
      profile: 'smoke',
      model: 'fpn',
      seed: 1,
      trunks: { rgb: local.trunkFile('rgb'), flow: local.trunkFile('flow') },
      outDir: '/r/pcsc',
      convolutions: 'onnxruntime',
    });
    expect(fpn1!.environment).toEqual({ dataset: benchConfigs(PROFILES.smoke) });
    // the same work has the same id; where the convolutions run is part of it
    writeFileSync(join(trunks, 'flow'), '');
    try {
      expect(pcscJobs('smoke', models, local).map((j) => j.id)).toEqual(
        jobs.slice(1).map((j) => j.id),
      );
      const wasm = pcscJobs('smoke', models, local, 'wasm');
      expect((wasm[0]!.config as PcscModelJobConfig).convolutions).toBeUndefined(); // ids of old runs
      expect(wasm[0]!.id).not.toBe(jobs[1]!.id);
    } finally {
      rmSync(join(trunks, 'flow'));
    }
  });

  it('splits the training maps into parts stored once, read by every model; a stored part gets no job', () => {
    const out = mkdtempSync(join(tmpdir(), 'pcsc-maps-jobs-'));
    try {
      const jobs = pcscJobs('smoke', models, { ...local, outDir: out, mapsParts: 2 });
      expect(jobs.map((j) => j.label)).toEqual([
        'flow trunk',
        'training maps 1/2',
        'training maps 2/2',
        'fpn seed 1',
        'pcsc seed 1',
        'fpn seed 2',
        'pcsc seed 2',
      ]);
      const [flow, maps1, maps2, fpn1] = jobs;
      const paths = [maps1, maps2].map((j) => (j!.config as PcscMapsJobConfig).path);
      expect(maps1!.kind).toBe('pcsc-training-maps');
      expect(maps1!.config).toEqual({
        profile: 'smoke',
        part: 0,
        parts: 2,
        trunks: { rgb: local.trunkFile('rgb'), flow: local.trunkFile('flow') },
        path: paths[0],
        convolutions: 'onnxruntime',
      });
      expect(paths[0]).toMatch(/training-maps\/[0-9a-f]{12}\.part-0-of-2\.safetensors$/);
      expect(paths[1]).toBe(paths[0]!.replace('part-0-of-2', 'part-1-of-2'));
      expect(maps1!.parents).toEqual([flow!.id]);
      expect(fpn1!.parents).toEqual([flow!.id, maps1!.id, maps2!.id]);
      expect((fpn1!.config as PcscModelJobConfig).maps).toEqual(paths);
      // the maps depend on where the convolutions run
      const wasm = pcscJobs('smoke', models, { ...local, outDir: out, mapsParts: 2 }, 'wasm');
      expect((wasm[1]!.config as PcscMapsJobConfig).path).not.toBe(paths[0]);
      // part 1 stored already: only part 2 is computed, both are read
      mkdirSync(dirname(paths[0]!), { recursive: true });
      writeFileSync(paths[0]!, '');
      const again = pcscJobs('smoke', models, { ...local, outDir: out, mapsParts: 2 });
      expect(again.map((j) => j.label).slice(0, 3)).toEqual([
        'flow trunk',
        'training maps 2/2',
        'fpn seed 1',
      ]);
      expect(again[2]!.parents).toEqual([flow!.id, maps2!.id]);
      expect((again[2]!.config as PcscModelJobConfig).maps).toEqual(paths);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("queues every trunk as step-bench's own step-trunk job and names no folder", () => {
    const jobs = pcscJobs('smoke', models, undefined);
    const trunkJobs = jobs.filter((j) => j.kind === 'step-trunk');
    expect(trunkJobs.map((j) => j.label)).toEqual(['rgb trunk', 'flow trunk']);
    // the very jobs `--paper step --queue` queues (same ids): their stored trunks are reused
    const step = new Set(stepJobs(STEP_PROFILES.smoke).map((j) => j.id));
    for (const t of trunkJobs) expect(step.has(t.id)).toBe(true);
    const pcsc2 = jobs.find((j) => j.label === 'pcsc seed 2');
    expect(pcsc2?.parents).toEqual(trunkJobs.map((j) => j.id));
    expect(pcsc2?.config).toEqual({
      profile: 'smoke',
      model: 'pcsc',
      seed: 2,
      convolutions: 'onnxruntime',
    });
  });

  it('maps its kinds to modules that exist', () => {
    expect(Object.keys(PCSC_JOB_KINDS).sort()).toEqual([
      'pcsc-model',
      'pcsc-training-maps',
      'step-shared-trunk',
    ]);
    for (const path of Object.values(PCSC_JOB_KINDS)) expect(existsSync(path)).toBe(true);
    expect(PCSC_JOB_KINDS['step-shared-trunk']).toBe(STEP_JOB_KINDS['step-shared-trunk']);
  });
});
