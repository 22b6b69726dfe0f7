import type { ErrorCounts } from '@tubekit/metrics';
import { type ClaimResult, checkClaim } from '@tubekit/report';
import type { CfadVariant } from './data';
import type { CfadProfile } from './profiles';
import type { CfadModelConfig, CfadModelResult } from './run-model';
import type { KeyTimestampRow, PolynomialFitRow } from './tier2';

/** The default order of the experiments beyond Table 1: the profile's middle order. */
export function mainOrder(profile: CfadProfile): number {
  return profile.orders[Math.floor((profile.orders.length - 1) / 2)]!;
}

/** A tier-1 configuration: the detector's and the SynthTubes variant it trains on. */
export interface CfadBenchModel extends CfadModelConfig {
  variant: CfadVariant;
}

/**
 * Every configuration a profile trains per seed: each order k on both preset variants (Table 1,
 * Fig. 4a), and on the dynamic variant at the main order the Diff Block ablation (Fig. 5) and
 * RGB ⊕ flow early fusion (Tables 2–3); the dynamic main-order RGB model runs Fig. 4(b)'s sweep.
 */
export function profileModels(profile: CfadProfile): CfadBenchModel[] {
  const k = mainOrder(profile);
  const models: CfadBenchModel[] = [];
  for (const variant of ['dynamic', 'static'] as const)
    for (const order of profile.orders)
      models.push({
        id: `${variant}-k${order}`,
        variant,
        order,
        diffBlock: true,
        modality: 'rgb',
        selectionSweep: variant === 'dynamic' && order === k,
      });
  models.push(
    {
      id: `dynamic-k${k}-no-diff`,
      variant: 'dynamic',
      order: k,
      diffBlock: false,
      modality: 'rgb',
      selectionSweep: false,
    },
    {
      id: `dynamic-k${k}-early`,
      variant: 'dynamic',
      order: k,
      diffBlock: true,
      modality: 'early',
      selectionSweep: false,
    },
  );
  return models;
}

/** One seed's numbers in the paper's layout. */
export interface CfadResults {
  /** Table 1: v-mAP@0.5 (%) by setting (`none`, `σ=…`) and order, per variant. */
  table1: Record<CfadVariant, { orders: number[]; rows: Record<string, number[]> }>;
  /** Fig. 4(a): v-MABO (%) by order, refined (σ = largest) vs not, dynamic variant. */
  figure4a: { orders: number[]; refine: number[]; noRefine: number[] };
  /** Fig. 4(b): per selection kind, `[ms/frame, v-mAP@0.5]` at each α. */
  figure4b: {
    alphas: number[];
    series: Record<'learned' | 'uniform' | 'random', [number, number][]>;
  };
  /** Fig. 5: outcome counts at δ = 0.5, with and without the Diff Block. */
  figure5: { diff: ErrorCounts; noDiff: ErrorCounts };
  /** Table 2: v-mAP (%) at every IoU, RGB and +flow (early fusion). */
  table2: { rgb: Record<string, number>; flow: Record<string, number> };
  /** Table 3: frame-mAP@0.5 (%), RGB and +flow. */
  table3: { rgb: number; flow: number };
  /** Fig. 6: ms per resampled frame and parameter counts of the main model. */
  figure6: { msPerFrame: number; headParameters: number; trunkParameters: number };
  /** Main model at the largest σ: timestamps selected and knots replaced per output tube. */
  refinement: { selected: number; refined: number };
}

/** Tier 2 on real annotations: the polynomial fits and Eq. 5 key counts, or why unavailable. */
export type CfadTier2 = Record<
  string,
  | { fit: PolynomialFitRow[]; keys: KeyTimestampRow[]; samples: number; videos: number }
  | { unavailable: string }
>;

/** Assembles one seed's {@link CfadResults} from its models. */
export function seedResults(
  profile: CfadProfile,
  get: (id: string) => CfadModelResult,
): CfadResults {
  const k = mainOrder(profile);
  const settings = ['none', ...profile.sigmas.map((s) => `σ=${s}`)];
  const sigmaMax = `σ=${Math.max(...profile.sigmas)}`;
  const table1 = (variant: CfadVariant) => ({
    orders: profile.orders,
    rows: Object.fromEntries(
      settings.map((s) => [
        s,
        profile.orders.map((o) => get(`${variant}-k${o}`).refine[s]!.videoMap['0.5']!),
      ]),
    ),
  });
  const main = get(`dynamic-k${k}`);
  const series = { learned: [], uniform: [], random: [] } as CfadResults['figure4b']['series'];
  for (const s of main.selection)
    series[s.kind].push([s.evaluation.msPerFrame, s.evaluation.videoMap['0.5']!]);
  const early = get(`dynamic-k${k}-early`).refine[sigmaMax]!;
  return {
    table1: { dynamic: table1('dynamic'), static: table1('static') },
    figure4a: {
      orders: profile.orders,
      refine: profile.orders.map((o) => get(`dynamic-k${o}`).refine[sigmaMax]!.mabo),
      noRefine: profile.orders.map((o) => get(`dynamic-k${o}`).refine.none!.mabo),
    },
    figure4b: { alphas: profile.alphas, series },
    figure5: {
      diff: main.refine[sigmaMax]!.errors,
      noDiff: get(`dynamic-k${k}-no-diff`).refine[sigmaMax]!.errors,
    },
    table2: { rgb: main.refine[sigmaMax]!.videoMap, flow: early.videoMap },
    table3: { rgb: main.refine[sigmaMax]!.frameMap, flow: early.frameMap },
    figure6: {
      msPerFrame: main.refine[sigmaMax]!.msPerFrame,
      headParameters: main.parameters.head,
      trunkParameters: main.parameters.trunk,
    },
    refinement: {
      selected: main.refine[sigmaMax]!.selected,
      refined: main.refine[sigmaMax]!.refined,
    },
  };
}

/** The claims of spec/cfad.md §4, each decided over the seeds (one value per seed and side). */
export function checkCfadClaims(profile: CfadProfile, runs: readonly CfadResults[]): ClaimResult[] {
  const k = mainOrder(profile);
  const ki = profile.orders.indexOf(k);
  const sigmaMax = `σ=${Math.max(...profile.sigmas)}`;
  const v = (f: (r: CfadResults) => number) => runs.map(f);
  const claims: ClaimResult[] = [];
  for (const variant of ['dynamic', 'static'] as const)
    profile.orders.forEach((o, i) => {
      claims.push(
        checkClaim({
          id: `table1.${variant}.k${o}.refine-beats-no-refine`,
          statement: `C1: refinement (σ = ${Math.max(...profile.sigmas)}) beats no refinement (${variant}, k = ${o})`,
          left: { label: sigmaMax, values: v((r) => r.table1[variant].rows[sigmaMax]![i]!) },
          relation: '>',
          right: { label: 'no refine', values: v((r) => r.table1[variant].rows.none![i]!) },
        }),
      );
    });
  const sorted = [...profile.sigmas].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++)
    claims.push(
      checkClaim({
        id: `table1.dynamic.sigma-${sorted[i]}-over-${sorted[i - 1]}`,
        statement: `C2: v-mAP rises with σ, ${sorted[i - 1]} → ${sorted[i]} (dynamic, k = ${k})`,
        left: {
          label: `σ=${sorted[i]}`,
          values: v((r) => r.table1.dynamic.rows[`σ=${sorted[i]}`]![ki]!),
        },
        relation: '>=',
        right: {
          label: `σ=${sorted[i - 1]}`,
          values: v((r) => r.table1.dynamic.rows[`σ=${sorted[i - 1]}`]![ki]!),
        },
      }),
    );
  profile.orders.forEach((o, i) => {
    if (o === k) return;
    claims.push(
      checkClaim({
        id: `table1.dynamic.k${k}-over-k${o}`,
        statement: `C3: an interior order is best — k = ${k} ≥ k = ${o} (dynamic, ${sigmaMax})`,
        left: { label: `k=${k}`, values: v((r) => r.table1.dynamic.rows[sigmaMax]![ki]!) },
        relation: '>=',
        right: { label: `k=${o}`, values: v((r) => r.table1.dynamic.rows[sigmaMax]![i]!) },
      }),
    );
  });
  const gain = (r: CfadResults, variant: CfadVariant) =>
    r.table1[variant].rows[sigmaMax]![ki]! - r.table1[variant].rows.none![ki]!;
  claims.push(
    checkClaim({
      id: 'table1.gain-larger-on-dynamic',
      statement:
        'C4: the gain from refining is larger on the dynamic preset (UCF101-24) than on the static one (J-HMDB)',
      left: { label: 'dynamic gain', values: v((r) => gain(r, 'dynamic')) },
      relation: '>',
      right: { label: 'static gain', values: v((r) => gain(r, 'static')) },
    }),
  );
  profile.orders.forEach((o, i) => {
    claims.push(
      checkClaim({
        id: `figure4a.k${o}.refine-mabo`,
        statement: `Fig. 4(a): refinement does not lower v-MABO (k = ${o})`,
        left: { label: 'refine', values: v((r) => r.figure4a.refine[i]!) },
        relation: '>=',
        right: { label: 'no refine', values: v((r) => r.figure4a.noRefine[i]!) },
      }),
    );
  });
  profile.alphas.forEach((alpha, i) => {
    for (const baseline of ['uniform', 'random'] as const)
      claims.push(
        checkClaim({
          id: `figure4b.alpha-${alpha}.learned-over-${baseline}`,
          statement: `Fig. 4(b): the learned selector beats ${baseline} selection of as many timestamps (α = ${alpha})`,
          left: {
            label: 'learned',
            values: v((r) => r.figure4b.series.learned[i]?.[1] ?? Number.NaN),
          },
          relation: '>',
          right: {
            label: baseline,
            values: v((r) => r.figure4b.series[baseline][i]?.[1] ?? Number.NaN),
          },
        }),
      );
  });
  claims.push(
    checkClaim({
      id: 'figure5.diff-block-fewer-wrong-class',
      statement: 'Fig. 5: the Diff Block reduces wrong-class errors',
      left: { label: 'with Diff Block', values: v((r) => r.figure5.diff.wrongClass) },
      relation: '<',
      right: { label: 'without', values: v((r) => r.figure5.noDiff.wrongClass) },
    }),
    checkClaim({
      id: 'figure5.diff-block-more-true-positives',
      statement: 'Fig. 5: the Diff Block yields more true positives',
      left: { label: 'with Diff Block', values: v((r) => r.figure5.diff.truePositive) },
      relation: '>',
      right: { label: 'without', values: v((r) => r.figure5.noDiff.truePositive) },
    }),
    checkClaim({
      id: 'table2.flow-improves',
      statement: 'Table 2: +OF (early fusion) improves v-mAP@0.5',
      left: { label: '+flow', values: v((r) => r.table2.flow['0.5']!) },
      relation: '>',
      right: { label: 'RGB', values: v((r) => r.table2.rgb['0.5']!) },
    }),
    checkClaim({
      id: 'table3.flow-improves',
      statement: 'Table 3: +OF (early fusion) improves frame-mAP@0.5',
      left: { label: '+flow', values: v((r) => r.table3.flow) },
      relation: '>',
      right: { label: 'RGB', values: v((r) => r.table3.rgb) },
    }),
  );
  return claims;
}
