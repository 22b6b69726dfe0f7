import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so that equal configurations give equal text
 * whatever order their keys were written in. Arrays keep their order; `undefined` members are
 * left out as `JSON.stringify` does; non-finite numbers are refused (JSON cannot carry them).
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new Error(`canonicalJson: ${v} has no JSON form`);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** SHA-256 (hex) of a configuration's {@link canonicalJson}. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** A job's stable id: `<kind>@<sha256 of its canonical configuration>`. */
export function jobIdOf(kind: string, config: unknown): string {
  return `${kind}@${configHash(config)}`;
}
