import { PROFILES as STEP_PROFILES } from '@tubekit/step-bench/profiles';
import { type CfadVariant, prepareVariant, type VariantData } from './data';
import { type CfadProfileName, PROFILES } from './profiles';

const loaded = new Map<string, Promise<VariantData>>();

/** A preset variant's videos and frames in a job process, loaded from CFAD's cache once per process. */
export function jobVariant(
  profile: CfadProfileName,
  variant: CfadVariant,
  cacheDir: string,
): Promise<VariantData> {
  const key = JSON.stringify([profile, variant, cacheDir]);
  let data = loaded.get(key);
  if (!data) {
    const cfad = PROFILES[profile];
    data = prepareVariant(cfad, STEP_PROFILES[cfad.step], variant, cacheDir);
    loaded.set(key, data);
    data.catch(() => loaded.delete(key));
  }
  return data;
}
