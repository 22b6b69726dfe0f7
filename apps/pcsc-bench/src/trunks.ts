import { loadTrunk, type SynthBench } from '@tubekit/step-bench/train-models';
import { createTrunk, readTrunk } from '@tubekit/step-bench/trunks';
import { type PcscProfile, stepProfileOf } from './profiles';
import type { TrunkFiles } from './trunk-files';
import type { StreamTrunks } from './video-features';

/**
 * The two pretrained step trunks read from their files (`readTrunk` of step-bench): what a
 * model's job process loads, without step's rendered frames. Throws naming a file that holds no
 * trunk of the step profile's shape.
 */
export async function readStreamTrunks(
  profile: PcscProfile,
  files: TrunkFiles,
): Promise<StreamTrunks> {
  const step = stepProfileOf(profile);
  const rgb = await readTrunk(step, 'rgb', files.rgb);
  try {
    return { rgb, flow: await readTrunk(step, 'flow', files.flow) };
  } catch (error) {
    rgb.dispose();
    throw error;
  }
}

/**
 * The step profile's two trunks (one per stream, every seed's) from step-bench's cache of its
 * rendered data (`loadTrunk`: pretrained there first, once, when missing, and cached for STEP, CFAD and later
 * runs).
 */
export async function benchStreamTrunks(bench: SynthBench): Promise<StreamTrunks> {
  const rgb = await loadTrunk(bench, 'rgb');
  try {
    return { rgb, flow: await loadTrunk(bench, 'flow') };
  } catch (error) {
    rgb.dispose();
    throw error;
  }
}

/**
 * The two trunks of the step profile's shape, freshly initialised: what the speed table times
 * (speed does not depend on the weights, so a coordinator whose trunks were pretrained on a
 * queue's workers times without them).
 */
export function freshStreamTrunks(profile: PcscProfile): StreamTrunks {
  const step = stepProfileOf(profile);
  return { rgb: createTrunk(step, 'rgb'), flow: createTrunk(step, 'flow') };
}
