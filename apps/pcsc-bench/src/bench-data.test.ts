import { benchConfigs, synthVariantOf } from './bench-data';
import { PROFILES, STRESS_VARIANTS } from './profiles';
import { trainingMapsFile } from './training-maps-parts';

describe('the stress variants of the bench videos', () => {
  it('renders each stress role with the SynthTubes variant the profile names', () => {
    expect(benchConfigs(PROFILES.quick).map((c) => c.name)).toEqual([
      'synthtubes-quick-v2',
      'synthtubes-quick-v2-appearance-hard-v2',
      'synthtubes-quick-v2-motion-hard-v2',
    ]);
    const v1 = { ...PROFILES.quick, stress: STRESS_VARIANTS.v1 };
    expect(benchConfigs(v1).map((c) => c.name)).toEqual([
      'synthtubes-quick-v2',
      'synthtubes-quick-v2-appearance-hard',
      'synthtubes-quick-v2-motion-hard',
    ]);
    expect(synthVariantOf(v1, 'plain')).toBeUndefined();
    expect(synthVariantOf(v1, 'motion-hard')).toBe('motion-hard');
  });

  it('keeps the training maps of the two calibrations apart', () => {
    const file = (stress: (typeof STRESS_VARIANTS)[keyof typeof STRESS_VARIANTS]) =>
      trainingMapsFile(
        { ...PROFILES.quick, stress },
        { rgb: '/c/trunk-rgb.a.safetensors', flow: '/c/trunk-flow.b.safetensors' },
        { part: 0, parts: 1 },
        '/c',
        'onnxruntime',
      );
    expect(file(STRESS_VARIANTS.v1)).not.toBe(file(STRESS_VARIANTS.v2));
    expect(file(STRESS_VARIANTS.v2)).toBe(file({ ...STRESS_VARIANTS.v2 }));
  });
});
