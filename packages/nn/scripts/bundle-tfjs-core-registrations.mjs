// Writes `generated/tfjs-core-registrations.cjs`: tfjs-core's gradient and chained-op
// registrations as one CommonJS file, and its declarations (`.d.cts`: the chained methods that
// tfjs-core declares on `Tensor`).
//
// tfjs-core's CommonJS entry (`dist/tf-core.node.js`) registers neither the gradients (needed by
// `tf.grad(s)`, `tf.variableGrads`, `tf.train`) nor the chained tensor methods (`x.square()`); the
// `@tensorflow/tfjs` bundle does it by importing `dist/register_all_gradients.js` and
// `dist/public/chained_ops/register_all_chained_ops.js`. Those ship only as ES modules with
// extensionless and directory imports, which Node's ESM loader cannot resolve (so `pnpm reproduce`,
// which runs the sources through tsx, cannot import them) and jest does not compile. Bundled here,
// they load under `require`, `import`, tsx and jest alike. The bundle carries its own copy of the
// tfjs-core modules they import; these keep their state (engine, kernel and gradient registries,
// the `Tensor` class) in tfjs-core's global namespace, so they bind to the one installed
// `@tensorflow/tfjs-core`, which `src/init-backend.ts` loads first.
//
// Run by this package's `prepare` (so `pnpm install` writes it) and `build` scripts.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(packageDir, 'generated', 'tfjs-core-registrations.cjs');
const declarationFile = join(packageDir, 'generated', 'tfjs-core-registrations.d.cts');
const coreDist = dirname(
  createRequire(join(packageDir, 'package.json')).resolve('@tensorflow/tfjs-core'),
);

await mkdir(dirname(outFile), { recursive: true });
const tmpFile = `${outFile}.${process.pid}.tmp`;
await build({
  stdin: {
    contents: [
      `import ${JSON.stringify(join(coreDist, 'register_all_gradients.js'))};`,
      `import ${JSON.stringify(join(coreDist, 'public/chained_ops/register_all_chained_ops.js'))};`,
    ].join('\n'),
    resolveDir: packageDir,
    loader: 'js',
  },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  legalComments: 'eof',
  logLevel: 'warning',
  outfile: tmpFile,
});
await rename(tmpFile, outFile);
await writeFile(
  `${declarationFile}.${process.pid}.tmp`,
  "import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';\n",
);
await rename(`${declarationFile}.${process.pid}.tmp`, declarationFile);
