let loading: Promise<typeof import('fast-csv')> | undefined;

/**
 * fast-csv, loaded on first use: the frame and tubelet detection CSVs are read by our own fast
 * path (numeric-csv.ts), so a `tubekit eval frame` of a plain CSV never needs it and does not pay
 * for loading it (≈ 40 ms). Memoised; a failed load is retried on the next call.
 *
 * @example
 * const { parse } = await loadFastCsv();
 */
export function loadFastCsv(): Promise<typeof import('fast-csv')> {
  loading ??= import('fast-csv').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
