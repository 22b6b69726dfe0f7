/** The largest value a reader stores in an `Int32Array` (frames, labels, ids): 2³¹ − 1. */
export const INT32_LIMIT = 2147483647;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a text cell as a number written in decimal (`12`, `-0.5`, `.25`, `1e-3`), the only
 * spelling the CSV formats use. Anything else is `NaN`: `0x120`, `0b1`, `0o7`, `Infinity`,
 * `1_000` and the empty string, which `Number()` would turn into 288, 1, 7, ∞, NaN and 0. Python's
 * `float()` (the AVA reference reader) refuses hex spellings too.
 *
 * @example
 * parseDecimal('0902'); // 902
 * parseDecimal('0x120'); // NaN
 */
export function parseDecimal(cell: string): number {
  return DECIMAL.test(cell) ? Number(cell) : Number.NaN;
}
