import { PCSC_TRIMMING } from './actionness-trimming';
import { SINGH_TRIMMING } from './multi-class-trimming';
import { SINGH_ONLINE_LINKING } from './online-linking';
import type { LinkingPipeline, TrimmerSpec } from './pipeline';
import { ACT_LINKING, MOC_LINKING, MULTISPORTS_LINKING } from './tubelet-linking';
import { SAHA_TRIMMING } from './two-state-trimming';
import { GKIOXARI_MALIK_LINKING, YOWO_LINKING } from './viterbi-linking';

/** ACT tubelet linking of K-frame tubelets ({@link ACT_LINKING}), no trimming. */
export const ACT_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'act',
  frameNMS: null,
  linker: Object.freeze({ method: 'tubelet' as const, options: ACT_LINKING }),
  trimmer: null,
});

/** MOC tubelet linking ({@link MOC_LINKING}), no trimming. */
export const MOC_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'moc',
  frameNMS: null,
  linker: Object.freeze({ method: 'tubelet' as const, options: MOC_LINKING }),
  trimmer: null,
});

/** MultiSports linking of frame detections as K = 1 tubelets ({@link MULTISPORTS_LINKING}). */
export const MULTISPORTS_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'multisports',
  frameNMS: null,
  linker: Object.freeze({ method: 'tubelet' as const, options: MULTISPORTS_LINKING }),
  trimmer: null,
});

/** Gkioxari & Malik Viterbi linking ({@link GKIOXARI_MALIK_LINKING}; its NMS 0.3 is inside). */
export const VITERBI_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'viterbi',
  frameNMS: null,
  linker: Object.freeze({ method: 'viterbi' as const, options: GKIOXARI_MALIK_LINKING }),
  trimmer: null,
});

/** YOWO's Viterbi variant ({@link YOWO_LINKING}). */
export const YOWO_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'yowo',
  frameNMS: null,
  linker: Object.freeze({ method: 'viterbi' as const, options: YOWO_LINKING }),
  trimmer: null,
});

/** Singh et al.'s online linking ({@link SINGH_ONLINE_LINKING}). */
export const ONLINE_PIPELINE: LinkingPipeline = Object.freeze({
  name: 'online',
  frameNMS: null,
  linker: Object.freeze({ method: 'online' as const, options: SINGH_ONLINE_LINKING }),
  trimmer: null,
});

/** Saha's two-state trimming ({@link SAHA_TRIMMING}) as a pipeline `trimmer`. */
export const SAHA_TRIMMER: Extract<TrimmerSpec, { method: 'two-state' }> = Object.freeze({
  method: 'two-state' as const,
  options: SAHA_TRIMMING,
});

/** Singh's multi-class trimming ({@link SINGH_TRIMMING}) as a pipeline `trimmer`. */
export const SINGH_TRIMMER: Extract<TrimmerSpec, { method: 'multi-class' }> = Object.freeze({
  method: 'multi-class' as const,
  options: SINGH_TRIMMING,
});

/** PCSC actionness trimming ({@link PCSC_TRIMMING}) as a pipeline `trimmer`. */
export const ACTIONNESS_TRIMMER: Extract<TrimmerSpec, { method: 'actionness' }> = Object.freeze({
  method: 'actionness' as const,
  options: PCSC_TRIMMING,
});
