import type sharp from 'sharp';

let loading: Promise<typeof sharp> | undefined;

/**
 * sharp (libvips), loaded on first use: only the readers and writers that decode or encode images
 * need it, so importing `@tubekit/datasets` to read annotations (a pickle, a CSV) loads no native
 * module. Memoised; a failed load is retried on the next call.
 *
 * @example
 * const image = (await loadSharp())(path);
 */
export function loadSharp(): Promise<typeof sharp> {
  loading ??= import('sharp').then(
    (m) => (m as unknown as { default?: typeof sharp }).default ?? (m as unknown as typeof sharp),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
