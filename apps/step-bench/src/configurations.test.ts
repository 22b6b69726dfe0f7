import { ANTICIPATION_WEIGHT, stepModels } from './configurations';

describe('stepModels', () => {
  it('gives γ to the anticipation models only, so the others keep their cache keys', () => {
    for (const base of ['rgb', 'flow'] as const) {
      const models = stepModels(base);
      const anticipating = models.filter((m) => m.extension === 'anticipation');
      expect(anticipating.map((m) => m.id)).toEqual([
        'anticipation',
        base === 'rgb' ? 'flow' : 'rgb',
        'early',
      ]);
      for (const m of anticipating) expect(m.anticipationWeight).toBe(ANTICIPATION_WEIGHT);
      for (const m of models.filter((x) => x.extension !== 'anticipation'))
        expect('anticipationWeight' in m).toBe(false);
    }
  });
});
