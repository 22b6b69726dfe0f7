import type { ProposalGridLevel, TemporalExtension } from '@tubekit/heads/progressive';
import { STEP_GRID_5, STEP_GRID_11, STEP_GRID_34 } from '@tubekit/heads/progressive';

/** Input modality of one trained model (early fusion = RGB ⊕ flow channels, §3.5). */
export type StepModality = 'rgb' | 'flow' | 'early';

/** One trained STEP model of the benchmark. */
export interface StepModelConfig {
  /** Stable id, used for checkpoints and the JSON report. */
  id: string;
  modality: StepModality;
  steps: number;
  extension: TemporalExtension;
  /** Adjacent clips on each side at every step without extension (2: the K = 30 input baseline). */
  directContextClips: number;
  grid: readonly ProposalGridLevel[];
  sceneContext: boolean;
  hardAware: boolean;
  /** Per-step IoU thresholds τₛ. */
  iouThresholds: number[];
  /** γ, the weight of the anticipation loss (Eq. 5): set on anticipation models only. */
  anticipationWeight?: number;
}

/** STEP's increasing thresholds (Cascade-style) for up to 4 steps. */
export const INCREASING_IOU = [0.3, 0.4, 0.5, 0.5];
/** The ablation: one threshold for every step. */
export const CONSTANT_IOU = [0.4, 0.4, 0.4, 0.4];

/**
 * γ of every anticipation model (STEP §3.3 combines the anticipation loss "with a coefficient γ"
 * and gives no value). The loss of Eq. 5 regresses the adjacent clips' boxes, 6 frames away, and
 * reaches the local branch's box regression as well (L±1 = L + f±1(x)). At γ = 1 it was about
 * 12 of an RGB model's first loss of 27, and that loss was still 17.5 after 400 iterations (10.2
 * at γ = 0.1). It pulled the regression of the clip's own boxes toward the adjacent clips': on
 * seed 1 of `quick`, the RGB anticipation model localised worse than `smax3` (class-agnostic
 * frame-AP@0.5 33.9 against 46.3%). Stopping its gradient into the shared features did not help
 * (35.8%); γ = 0.1 did (37.6%, frame-mAP@0.5 16.8 against 12.6%). On three seeds: RGB 13.3 →
 * 16.3 ± 2.7% (within the noise), early fusion 41.5 → 43.5 ± 1.2%, hybrid 46.5 → 47.2 ± 1.5%.
 * step-bench FINDINGS.md, "The anticipation loss's weight".
 */
export const ANTICIPATION_WEIGHT = 0.1;

/** A single stream of Table 1(b) (early fusion is its own model). */
export type StepStream = 'rgb' | 'flow';

/**
 * Id of the 3-step anticipation model of a stream: the base stream's is `anticipation` (shared by
 * Table 1(b), Figure 5 and Figure 6(a)); the other stream's is named after it.
 */
export function streamModelId(stream: StepStream, base: StepStream): string {
  return stream === base ? 'anticipation' : stream;
}

/**
 * The models whose tubelets hybrid fusion (STEP §3.5, Table 1(b), Table 2) fuses, in its order:
 * early fusion, then the RGB and flow stream models.
 *
 * @example
 * hybridFusionModelIds('rgb'); // ['early', 'anticipation', 'flow']
 */
export function hybridFusionModelIds(base: StepStream): [string, string, string] {
  return ['early', streamModelId('rgb', base), streamModelId('flow', base)];
}

/**
 * Every model the STEP tables need, for a base stream (STEP: RGB). `smax3` (base stream, 11
 * proposals, 3 steps, no extension) is the shared baseline of Table 1(a), Figure 5 (K = 6), the
 * ablations and Figure 6; `anticipation` is the base stream of Table 1(b) and Figure 5; the other
 * stream and early fusion complete Table 1(b).
 *
 * @example
 * stepModels('rgb').map((m) => m.id); // ['smax1', …, 'anticipation', 'flow', 'early', …]
 */
export function stepModels(base: StepStream): StepModelConfig[] {
  const other: StepStream = base === 'rgb' ? 'flow' : 'rgb';
  const defaults: Omit<StepModelConfig, 'id'> = {
    modality: base,
    steps: 3,
    extension: 'none',
    directContextClips: 0,
    grid: STEP_GRID_11,
    sceneContext: true,
    hardAware: true,
    iouThresholds: INCREASING_IOU,
  };
  const make = (id: string, over: Partial<StepModelConfig>): StepModelConfig => ({
    ...defaults,
    ...over,
    id,
  });
  // the anticipation models (Table 1(b), Figure 5) and their loss weight γ
  const anticipating = {
    extension: 'anticipation',
    anticipationWeight: ANTICIPATION_WEIGHT,
  } as const;
  return [
    make('smax1', { steps: 1 }),
    make('smax2', { steps: 2 }),
    make('smax3', {}),
    make('smax4', { steps: 4 }),
    make('k30-direct', { directContextClips: 2 }),
    make('extrapolation', { extension: 'extrapolation' }),
    make('anticipation', anticipating),
    make(streamModelId(other, base), { ...anticipating, modality: other }),
    make('early', { ...anticipating, modality: 'early' }),
    make('no-scene-context', { sceneContext: false }),
    make('uniform-sampling', { hardAware: false }),
    make('constant-iou', { iouThresholds: CONSTANT_IOU }),
    make('proposals-5', { grid: STEP_GRID_5 }),
    make('proposals-34', { grid: STEP_GRID_34 }),
  ];
}
