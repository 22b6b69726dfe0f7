import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { prepareSynthBench, type SynthBench } from '@tubekit/step-bench/train-models';
import { type CfadVariant, prepareVariant, type VariantData } from './data';
import { type CfadProfileName, PROFILES } from './profiles';

const loaded = new Map<string, Promise<SynthBench | VariantData>>();
const once = <T extends SynthBench | VariantData>(key: string, load: () => Promise<T>) => {
  let data = loaded.get(key);
  if (!data) {
    data = load();
    loaded.set(key, data);
    data.catch(() => loaded.delete(key));
  }
  return data as Promise<T>;
};

/**
 * The step profile's data (rendered frames, for the trunk's pretraining) in a job process, loaded
 * from step-bench's cache once per process (the pool keeps a process between jobs).
 */
export function jobStepBench(
  profile: CfadProfileName,
  stepOutDir: string,
  log: (line: string) => void,
): Promise<SynthBench> {
  const step = STEP_PROFILES[PROFILES[profile].step];
  return once(JSON.stringify(['step', step.name, stepOutDir]), () =>
    prepareSynthBench(step, stepOutDir, log),
  );
}

/** A preset variant's videos and frames in a job process, loaded from CFAD's cache once per process. */
export function jobVariant(
  profile: CfadProfileName,
  variant: CfadVariant,
  cacheDir: string,
): Promise<VariantData> {
  const cfad = PROFILES[profile];
  return once(JSON.stringify(['variant', profile, variant, cacheDir]), () =>
    prepareVariant(cfad, STEP_PROFILES[cfad.step], variant, cacheDir),
  );
}
