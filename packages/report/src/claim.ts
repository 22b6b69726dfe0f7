/** How a claim's two sides are compared. */
export type ClaimRelation = '>' | '>=' | '<' | '<=' | '≈';

/** One side of a claim: a named number. */
export interface ClaimOperand {
  label: string;
  value: number;
}

/**
 * A claim of a paper stated as a comparison of two measured numbers, e.g. "3 steps beat 1 step":
 * `{ left: {label: 's=3', value}, relation: '>', right: {label: 's=1', value} }`.
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
   * Margin in the values' unit (default 0). `>` holds when left − right > tolerance (a strict win
   * by more than the margin); `>=` when left ≥ right − tolerance (not worse by more than the
   * margin); `<` / `<=` mirror them; `≈` when |left − right| ≤ tolerance.
   */
  tolerance?: number;
}

/** A checked claim. */
export interface ClaimResult extends ClaimSpec {
  holds: boolean;
  /** Human-readable evidence, e.g. `s=3 62.1 > s=1 55.0`. */
  evidence: string;
}

/**
 * Checks a claim against measured numbers. NaN on either side never holds.
 *
 * @example
 * checkClaim({ id: 'fusion.early-beats-late', statement: 'early > late', relation: '>',
 *   left: { label: 'early', value: 74.3 }, right: { label: 'late', value: 70.7 } }).holds; // true
 */
export function checkClaim(spec: ClaimSpec): ClaimResult {
  const { left, right, relation } = spec;
  const tol = spec.tolerance ?? 0;
  const d = left.value - right.value;
  let holds: boolean;
  switch (relation) {
    case '>':
      holds = d > tol;
      break;
    case '>=':
      holds = d >= -tol;
      break;
    case '<':
      holds = d < -tol;
      break;
    case '<=':
      holds = d <= tol;
      break;
    case '≈':
      holds = Math.abs(d) <= tol;
      break;
  }
  if (!Number.isFinite(d)) holds = false;
  const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
  const slack = tol ? ` (tolerance ${fmt(tol)})` : '';
  return {
    ...spec,
    holds,
    evidence: `${left.label} ${fmt(left.value)} ${relation} ${right.label} ${fmt(right.value)}${slack}`,
  };
}

/** Combines several claim results into one that holds when all of them hold. */
export function allClaims(
  id: string,
  statement: string,
  parts: ClaimResult[],
): ClaimResult & { parts: ClaimResult[] } {
  const first = parts[0];
  if (!first) throw new Error(`allClaims(${id}): no parts`);
  return {
    ...first,
    id,
    statement,
    holds: parts.every((p) => p.holds),
    evidence: parts.map((p) => `${p.holds ? '✓' : '✗'} ${p.evidence}`).join('; '),
    parts,
  };
}

/** Renders claim results as a Markdown bullet list with ✅ holds / ❌ does not hold. */
export function claimsMarkdown(claims: ClaimResult[]): string {
  return `${claims
    .map((c) => `- ${c.holds ? '✅ holds' : '❌ does not hold'} — ${c.statement} (${c.evidence})`)
    .join('\n')}\n`;
}
