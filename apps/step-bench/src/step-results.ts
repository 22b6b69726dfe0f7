import type { DisplacementRow } from './tier2-displacement';

/** The models of {@link StepResults.byClass}: Figure 5's variants, flow and hybrid fusion. */
export type ByClassColumn = keyof StepResults['figure5'] | 'flow' | 'hybrid';

/** Every number of the tubekit side of the STEP report (the JSON report's `results`). */
export interface StepResults {
  /** Table 1(a): frame-mAP (%) at step s (index s−1) of the model trained with Smax steps. */
  table1a: Record<'1' | '2' | '3' | '4', number[]>;
  /** Table 1(b): frame-mAP (%) per mode. */
  table1b: { rgb: number; flow: number; late: number; early: number; hybrid: number };
  /** Figure 5: frame-mAP (%) per temporal-extension variant. */
  figure5: { k6: number; k30: number; extrapolation: number; anticipation: number };
  /**
   * Frame-AP@0.5 (%) of each class, keyed by label: Figure 5's variants, the flow model and hybrid
   * fusion. Does temporal extension help the classes that need it? Empty for a model whose
   * summary predates it and stored no tubelets, or that is missing.
   */
  byClass: Record<ByClassColumn, Record<string, number>>;
  /** Ablations: frame-mAP (%) of the full (3-step, RGB) model and with one technique removed. */
  ablations: { full: number; noSceneContext: number; uniformSampling: number; constantIoU: number };
  /** Figure 6(a): fps running steps 1…s, without and with temporal extension (anticipation). */
  figure6a: { steps: number[]; fpsNoExtension: number[]; fpsExtension: number[] };
  /** Figure 6(b): frame-mAP (%) and fps per number of initial proposals (3 steps, no extension). */
  figure6b: Array<{ proposals: number; frameMap: number; fps: number }>;
  /** Table 2: frame-mAP and video-mAP (%) of the hybrid-fusion model, `act` protocol. */
  table2: {
    frameMap: number;
    videoMap: Record<string, number>;
    /** The same tubes trimmed on the detector's scores as they are (no calibration). */
    videoMapUncalibrated: Record<string, number>;
    /** The same tubes before temporal trimming. */
    videoMapLinkingOnly: Record<string, number>;
    /**
     * The trimmer's Platt scaling, p = σ(a · ln s + b), and what it was fit on: the hybrid
     * fusion's linked tubes on `videos` training videos, `frames` tube frames of which
     * `actionFrames` follow an acting GT actor (`trimmingOutcomes`); `null` when
     * nothing could be fit (no tube linked, or a fusion model missing).
     */
    calibration: {
      a: number;
      b: number;
      floor: number;
      videos: number;
      frames: number;
      actionFrames: number;
    } | null;
    protocol: 'act';
    linking: string;
  };
  /** Tier 2 displacement tables per dataset (or why a dataset is unavailable). */
  tier2: Record<string, { rows: DisplacementRow[] } | { unavailable: string }>;
}
