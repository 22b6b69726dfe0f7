import { type SynthTubesConfig, synthPresetConfig } from '@tubekit/datasets';
import type { StepProfile } from '@tubekit/step-bench/profiles';
// a type only: this module stays light for `tubekit worker`, which loads the job kinds' map
import type { CfadVariant } from './data';

/** The SynthTubes configuration of a variant of the step profile's preset, seed and actor heights. */
export function variantConfig(step: StepProfile, variant: CfadVariant): SynthTubesConfig {
  const base = synthPresetConfig(step.synth.preset, step.synth.seed, variant);
  return {
    ...base,
    actors: {
      ...base.actors,
      minHeight: step.synth.actorHeight.min,
      maxHeight: step.synth.actorHeight.max,
    },
  };
}
