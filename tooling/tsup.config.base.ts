import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration of every publishable package: ESM (`.js`) and CommonJS (`.cjs`)
 * with matching declarations (`.d.ts` / `.d.cts`), workspace dependencies left external.
 *
 * @param entry entry points, e.g. `{ index: 'src/index.ts', progressive: 'src/progressive/index.ts' }`
 * @param extra further options; its `external` adds to the shared list, its `dts` (an object) to
 *   the shared declaration options
 */
export function packageBuild(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: Options = {},
) {
  const { external = [], dts, ...rest } = extra;
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: {
      compilerOptions: { composite: false, emitDeclarationOnly: false, paths: {} },
      ...(typeof dts === 'object' ? dts : {}),
    },
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    external: [/^@tubekit\//, /^@tensorflow\//, 'onnxruntime-node', 'sharp', ...external],
    ...rest,
  });
}
