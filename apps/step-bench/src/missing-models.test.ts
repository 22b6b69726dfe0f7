import type { VideoAnnotation } from '@tubekit/datasets';
import { renderMarkdown } from '@tubekit/report';
import { PROFILES } from './profiles';
import { checkStepClaims, type StepRunInfo, stepReport } from './report';
import { seedResults } from './seed-results';
import type { ModelSummary, SynthBench } from './train-models';
import { profileModels } from './train-models';
import { missingSummary } from './train-step-jobs';

// A report made from model summaries without training: one test video with one ground-truth
// tube, every model "trained" (a fixed frame-mAP, the fusion models with tubelets on the tube)
// except the ones a queued run lost.
const profile = PROFILES.smoke;
const K = profile.clipLength;
const box = [10, 10, 30, 30];
const video: VideoAnnotation = {
  name: 'a/v1',
  nframes: 2 * K,
  width: 64,
  height: 64,
  tubes: [
    {
      label: 0,
      start: 1,
      boxes: Float64Array.from(
        Array(2 * K)
          .fill(box)
          .flat(),
      ),
    },
  ],
};
const bench = {
  profile,
  synth: { dataset: { labels: ['a', 'b'] } },
  train: [video],
  test: [video],
} as unknown as Pick<SynthBench, 'profile' | 'synth' | 'train' | 'test'>;
const tubelets: Array<[string, number[][]]> = [
  [video.name, [1, 1 + K].map((start) => [start, 0, 0.9, ...Array(K).fill(box).flat()])],
];

function summaries(missing: string[]): (id: string) => ModelSummary {
  const all = new Map(
    profileModels(profile).map((m) => {
      const absent = missingSummary(m, profile);
      if (missing.includes(m.id)) return [m.id, absent];
      return [
        m.id,
        {
          ...absent,
          frameMapByStep: absent.frameMapByStep.map(() => 42),
          fpsByStep: absent.fpsByStep.map(() => 7),
          ...(['anticipation', 'flow', 'early'].includes(m.id) && {
            tubelets,
            calibrationTubelets: tubelets,
          }),
        },
      ];
    }),
  );
  return (id) => all.get(id) as ModelSummary;
}

function report(missing: string[]): string {
  const { results } = seedResults(bench, summaries(missing), {});
  const info: StepRunInfo = {
    profile: profile.name,
    tier: 'tier 1 SynthTubes',
    seeds: { dataset: profile.synth.seed, models: [profile.seeds[0]] },
    backend: 'test',
    convolutions: 'wasm',
    wallSeconds: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    dataset: 'one video',
    classifierIterations: profile.classifier.iterations,
    baseStream: { stream: 'rgb' },
    orderClasses: [],
    resumed: [],
    missing: missing.map((id) => ({
      id,
      seed: profile.seeds[0],
      error: `${id} ran out of memory`,
    })),
    models: [],
  };
  return renderMarkdown(stepReport([results], checkStepClaims([results]), info));
}

/** The tubekit cell of a row `| label | published | tubekit |` of the report. */
function cell(md: string, label: string): string {
  const row = md.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!row) throw new Error(`no row ${label}`);
  return row.split(' | ').at(-1)?.replace(/ \|$/, '') ?? '';
}

describe('a report with missing models', () => {
  it('has no missing section and numbers in every fusion cell when nothing is missing', () => {
    const md = report([]);
    expect(md).not.toContain('Missing models');
    for (const label of ['Flow', 'Late fusion', 'Early fusion', 'Hybrid fusion'])
      expect(cell(md, label)).toMatch(/^\d+\.\d$/);
  });

  it('names each failed job with its error and reads `–` in its cells and the fusions using it', () => {
    const md = report(['flow', 'k30-direct']);
    const section = md.slice(md.indexOf('## Missing models'), md.indexOf('## Claims'));
    expect(section).toContain(`| flow | ${profile.seeds[0]} | flow ran out of memory |`);
    expect(section).toContain(
      `| k30-direct | ${profile.seeds[0]} | k30-direct ran out of memory |`,
    );
    expect(cell(md, 'Flow')).toBe('–');
    expect(cell(md, 'Late fusion')).toBe('–');
    expect(cell(md, 'Hybrid fusion')).toBe('–');
    expect(cell(md, 'Early fusion')).toBe('42.0');
    expect(cell(md, 'RGB')).toBe('42.0');
    expect(cell(md, 'K = 30 input (no extension)')).toBe('–');
    expect(cell(md, 'K = 6 (no extension)')).toBe('42.0');
  });

  it('keeps late fusion (RGB + flow) when only the early-fusion model is missing', () => {
    const md = report(['early']);
    expect(cell(md, 'Early fusion')).toBe('–');
    expect(cell(md, 'Hybrid fusion')).toBe('–');
    expect(cell(md, 'Late fusion')).toMatch(/^\d+\.\d$/);
  });
});
