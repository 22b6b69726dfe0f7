import { type SynthPreset, synthPresetConfig } from '@tubekit/datasets';
import type { ClassApTableOptions } from '@tubekit/report';

/**
 * The classes of a SynthTubes preset that differ from their pair only in which of two
 * sub-actions comes first (`differsBy: 'order'`; none before the `-v2` presets). Each sub-action
 * lasts at least `ORDER_MIN_SEGMENT` frames, so a window of a few frames inside one cannot tell
 * the pair apart: STEP's temporal extension and CFAD's long-range modelling are what can, and a
 * frame-level detector (PCSC) cannot by design.
 */
export function orderClassesOf(preset: SynthPreset): string[] {
  return synthPresetConfig(preset)
    .classes.filter((c) => c.differsBy === 'order')
    .map((c) => c.name);
}

/**
 * `classApTable`'s `apart` option for the order classes among a table's `classes`: their rows
 * marked "(order)", and a last row with the mean over the other classes.
 */
export function orderClassesApart(
  classes: readonly string[],
  order: readonly string[],
): ClassApTableOptions['apart'] {
  return {
    classes: order,
    mark: ' (order)',
    meanTitle: `mean over the ${classes.length - order.length} classes that are not order classes`,
  };
}
