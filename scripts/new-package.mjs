#!/usr/bin/env node
// Creates a package with the uniform manifest shape that scripts/check-packages.mjs enforces:
//   node scripts/new-package.mjs <dir> <npm name> "<description>" [workspace deps...]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description, ...deps] = process.argv.slice(2);
if (!dir || !name || !description) {
  console.error(
    'usage: node scripts/new-package.mjs <dir> <npm name> "<description>" [workspace deps...]',
  );
  process.exit(2);
}
const pkgDir = join('packages', dir);
if (existsSync(pkgDir)) {
  console.error(`${pkgDir} exists already`);
  process.exit(1);
}
mkdirSync(join(pkgDir, 'src'), { recursive: true });
const manifest = {
  name,
  version: '0.0.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'README.md', 'LICENSE'],
  engines: { node: '>=20.9' },
  publishConfig: { access: 'public' },
  repository: { type: 'git', url: 'git+https://github.com/tubekit/tubekit.git', directory: pkgDir },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc -b',
    test: 'jest',
    lint: 'biome check .',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, 'workspace:*'])),
};
const write = (f, s) => writeFileSync(join(pkgDir, f), s);
write('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
const refs = deps.map((d) => ({ path: `../${d.replace('@tubekit/', '')}` }));
write(
  'tsconfig.json',
  `${JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: '.',
        outDir: '.tsbuild',
        tsBuildInfoFile: '.tsbuild/tsconfig.tsbuildinfo',
      },
      include: ['src', 'test', 'bench'],
      references: refs,
    },
    null,
    2,
  )}\n`,
);
write('LICENSE', readFileSync(join(import.meta.dirname, '..', 'LICENSE'), 'utf8'));
write('jest.config.cjs', "module.exports = require('../../jest.config.base.cjs')(__dirname);\n");
write(
  'tsup.config.ts',
  "import { packageBuild } from '../../tooling/tsup.config.base';\n\nexport default packageBuild();\n",
);
console.log(`created ${pkgDir}`);
