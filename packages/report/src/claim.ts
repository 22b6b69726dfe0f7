/** How a claim's two sides are compared. */
export type ClaimRelation = '>' | '>=' | '<' | '<=' | '≈';

/** One side of a claim: a named measurement, one value per seed. */
export interface ClaimOperand {
  label: string;
  /** The measured value of each seed (in the same seed order on both sides of a claim). */
  values: number[];
}

/**
 * A claim of a paper stated as a comparison of two measured numbers, e.g. "3 steps beat 1 step":
 * `{ left: {label: 's=3', values}, relation: '>', right: {label: 's=1', values} }`.
 */
export interface ClaimSpec {
  /** Stable identifier used in the JSON report, e.g. `table1a.later-steps-beat-earlier`. */
  id: string;
  /** The claim in the paper's words. */
  statement: string;
  left: ClaimOperand;
  relation: ClaimRelation;
  right: ClaimOperand;
  /**
   * Margin in the values' unit (default 0). `>` asks left − right > tolerance (a win by more than
   * the margin); `>=` left − right ≥ −tolerance (not worse by more than it); `<` / `<=` mirror them;
   * `≈` |left − right| ≤ tolerance.
   */
  tolerance?: number;
}

/**
 * `holds`: enough seeds, and the margin exceeds the noise; `fails`: enough seeds, and the margin
 * is below minus the noise (the opposite is measured); `undecided`: fewer than
 * {@link CLAIM_MIN_SEEDS} seeds on a side, no finite value, or a margin within the noise.
 */
export type ClaimStatus = 'holds' | 'fails' | 'undecided';

/** A checked claim. */
export interface ClaimResult extends ClaimSpec {
  status: ClaimStatus;
  /** `status === 'holds'`. */
  holds: boolean;
  /** How far the claim is from its boundary (positive: on the claim's side), in the values' unit. */
  margin: number;
  /**
   * The noise the margin must exceed: {@link CLAIM_NOISE_FACTOR} × standard error of the
   * difference; NaN when a side has a single seed (its spread is unknown).
   */
  noise: number;
  /** Human-readable evidence, e.g. `s=3 62.1 ± 0.8 > s=1 55.0 ± 1.1 (margin 7.1, noise 1.1, 3 seeds)`. */
  evidence: string;
}

/** Fewest seeds per side on which a claim is decided. */
export const CLAIM_MIN_SEEDS = 3;
/** The margin must exceed this many standard errors of the difference of the means. */
export const CLAIM_NOISE_FACTOR = 2;

/** The decision rule, in words, for reports to print beside their claims. */
export const CLAIM_RULE = `A claim is decided only on at least ${CLAIM_MIN_SEEDS} seeds; with fewer it is **undecided**. It holds when its margin — the difference of the two sides' seed means, beyond the claim's tolerance — exceeds ${CLAIM_NOISE_FACTOR} × the standard error of that difference, √(s₁²/n₁ + s₂²/n₂) with s the seeds' sample standard deviation (Welch; about a 95% one-sided test), and does not hold when the margin is below minus that noise; a margin within the noise leaves it **undecided**, as do two sides that measured one and the same value on every seed (a metric at its floor, 0 everywhere, tells nothing). Cells show mean ± standard deviation over seeds.`;

/** Mean and sample standard deviation (n − 1; 0 for a single value) of the finite values. */
export function meanAndStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n: 0 };
  const mean = finite.reduce((a, v) => a + v, 0) / n;
  const std = n > 1 ? Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** `12.3 ± 0.4` (seeds' mean ± standard deviation), `12.3` for one seed, `–` for none. */
export function formatMeanStd(values: readonly number[], digits = 1): string {
  const { mean, std, n } = meanAndStd(values);
  if (n === 0) return '–';
  return n > 1 ? `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` : mean.toFixed(digits);
}

/**
 * Checks a claim against measurements over seeds with the rule {@link CLAIM_RULE}: undecided on
 * fewer than {@link CLAIM_MIN_SEEDS} seeds; else it holds when the margin exceeds
 * {@link CLAIM_NOISE_FACTOR} standard errors, fails when it is below minus that noise, and is
 * undecided in between (strict relations need a margin above the noise and fail at or below minus
 * it; `>=`, `<=` and `≈` hold at the noise and fail below minus it). Two sides that measured one
 * and the same value on every seed (e.g. a v-mAP of 0 everywhere) are undecided whatever the
 * relation: they carry no evidence either way.
 *
 * @example
 * checkClaim({ id: 'fusion.early-beats-late', statement: 'early > late', relation: '>',
 *   left: { label: 'early', values: [74.3, 74.9, 73.8] },
 *   right: { label: 'late', values: [70.7, 71.0, 70.1] } }).status; // 'holds'
 */
export function checkClaim(spec: ClaimSpec): ClaimResult {
  const { left, right, relation } = spec;
  const tol = spec.tolerance ?? 0;
  const l = meanAndStd(left.values);
  const r = meanAndStd(right.values);
  const d = l.mean - r.mean;
  const margin =
    relation === '>'
      ? d - tol
      : relation === '>='
        ? d + tol
        : relation === '<'
          ? -d - tol
          : relation === '<='
            ? tol - d
            : tol - Math.abs(d);
  const se = Math.sqrt((l.n > 0 ? l.std ** 2 / l.n : 0) + (r.n > 0 ? r.std ** 2 / r.n : 0));
  // One seed measures no spread: the noise is unknown (NaN, printed n/a), not zero.
  const noise = Math.min(l.n, r.n) < 2 ? Number.NaN : CLAIM_NOISE_FACTOR * se;
  const strict = relation === '>' || relation === '<';
  // Both sides one and the same value on every seed (e.g. a metric at its floor, 0 everywhere):
  // the seeds measured nothing that tells the sides apart, so no rule can decide between them.
  const constant = l.n > 0 && r.n > 0 && l.std === 0 && r.std === 0 && d === 0;
  let status: ClaimStatus;
  if (!Number.isFinite(margin) || Math.min(l.n, r.n) < CLAIM_MIN_SEEDS || constant)
    status = 'undecided';
  else if (strict ? margin > noise : margin >= noise) status = 'holds';
  else if (strict ? margin <= -noise : margin < -noise) status = 'fails';
  else status = 'undecided';
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  const side = (o: ClaimOperand) => `${o.label} ${formatMeanStd(o.values, 2)}`;
  const seeds = Math.min(l.n, r.n);
  const slack = tol ? `, tolerance ${fmt(tol)}` : '';
  return {
    ...spec,
    status,
    holds: status === 'holds',
    margin,
    noise,
    evidence: `${side(left)} ${relation} ${side(right)} (margin ${fmt(margin)}, noise ${fmt(noise)}${slack}; ${seeds} seed${seeds === 1 ? '' : 's'}${constant ? `; both sides ${fmt(l.mean)} on every seed: no evidence either way` : ''})`,
  };
}

/**
 * Combines several claim results into one: it fails when any part fails, is undecided when no
 * part fails but one is undecided, and holds when every part holds.
 */
export function allClaims(
  id: string,
  statement: string,
  parts: ClaimResult[],
): ClaimResult & { parts: ClaimResult[] } {
  const first = parts[0];
  if (!first) throw new Error(`allClaims(${id}): no parts`);
  const status: ClaimStatus = parts.some((p) => p.status === 'fails')
    ? 'fails'
    : parts.some((p) => p.status === 'undecided')
      ? 'undecided'
      : 'holds';
  const mark = { holds: '✓', fails: '✗', undecided: '?' } as const;
  return {
    ...first,
    id,
    statement,
    status,
    holds: status === 'holds',
    margin: Math.min(...parts.map((p) => p.margin)),
    noise: Math.max(...parts.map((p) => p.noise)),
    evidence: parts.map((p) => `${mark[p.status]} ${p.evidence}`).join('; '),
    parts,
  };
}

/** The label of a status in reports. */
export function claimStatusLabel(status: ClaimStatus): string {
  return status === 'holds' ? '✅ holds' : status === 'fails' ? '❌ does not hold' : '❔ undecided';
}

/** Renders claim results as a Markdown bullet list (✅ holds / ❌ does not hold / ❔ undecided). */
export function claimsMarkdown(claims: ClaimResult[]): string {
  return `${claims.map((c) => `- ${claimStatusLabel(c.status)} — ${c.statement} (${c.evidence})`).join('\n')}\n`;
}
