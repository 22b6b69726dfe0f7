#!/usr/bin/env node
// Checks every publishable package after `turbo run build` (run by `pnpm test` and CI):
//  1. the manifest has the house shape (exports with types first, sideEffects, files, engines, …);
//  2. publint finds no error or warning;
//  3. `pnpm pack` would ship dist/ and the README and nothing from src/ or tests;
//  4. a child process `require`s and `import`s each exported entry point (the consumer harness);
//  5. the consumer check: every package is packed, the tarballs are installed into a scratch
//     project (offline from the pnpm store when it can), and there each entry is imported and
//     required, a TypeScript consumer is type-checked under node16 and node10 resolution,
//     `npx tubekit --help` runs, `@tubekit/metrics` pulls no ML runtime and no native module,
//     importing `@tubekit/datasets` loads no sharp, `@tubekit/nn`'s `tf` computes gradients with
//     chained methods, and `@tubekit/nn` installs in ≤ 60 MB beyond tfjs-core and the wasm
//     backend. `--no-consumer` skips step 5.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { publint } from 'publint';

const root = resolve(import.meta.dirname, '..');
const failures = [];
const fail = (pkg, message) => failures.push(`${pkg}: ${message}`);

const packageDirs = readdirSync(join(root, 'packages'))
  .map((d) => join(root, 'packages', d))
  .filter((d) => existsSync(join(d, 'package.json')));

for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const name = manifest.name;
  if (manifest.private) continue;

  // 1. uniform manifest
  for (const key of [
    'name',
    'version',
    'description',
    'license',
    'exports',
    'files',
    'engines',
    'publishConfig',
    'repository',
  ]) {
    if (manifest[key] === undefined) fail(name, `package.json lacks "${key}"`);
  }
  if (manifest.type !== 'module') fail(name, 'package.json "type" must be "module"');
  // A package may ship a bundle written at install time (`generated/`, e.g. `@tubekit/nn`'s
  // tfjs-core registrations); sideEffects lists it so that bundlers keep it.
  const shipsGenerated = Array.isArray(manifest.sideEffects);
  if (shipsGenerated && !manifest.sideEffects.every((p) => p.startsWith('./generated/')))
    fail(name, 'package.json "sideEffects" may list only ./generated/ files');
  if (!shipsGenerated && manifest.sideEffects !== false)
    fail(name, 'package.json "sideEffects" must be false (or list its ./generated/ files)');
  if (manifest.publishConfig?.access !== 'public')
    fail(name, 'publishConfig.access must be "public"');
  const shippedFiles = ['dist', ...(shipsGenerated ? ['generated'] : []), 'README.md', 'LICENSE'];
  if (JSON.stringify(manifest.files) !== JSON.stringify(shippedFiles))
    fail(name, `files must be ${JSON.stringify(shippedFiles)}`);
  if (!existsSync(join(dir, 'LICENSE'))) fail(name, 'has no LICENSE file');
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {}))
    if (!dep.startsWith('@tubekit/') && !dep.startsWith('@tensorflow/') && /^\d/.test(range))
      fail(name, `dependency ${dep} is pinned to ${range}; use a caret range (^${range})`);
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    for (const condition of ['import', 'require']) {
      const keys = Object.keys(target?.[condition] ?? {});
      if (keys[0] !== 'types' || keys[1] !== 'default')
        fail(name, `exports["${subpath}"].${condition} must list "types" first, then "default"`);
    }
  }
  const readme = existsSync(join(dir, 'README.md'))
    ? readFileSync(join(dir, 'README.md'), 'utf8')
    : '';
  if (!/```(ts|js|sh|bash)\n/.test(readme))
    fail(name, 'README.md needs a runnable example in a fenced code block');

  // 2. publint
  const { messages } = await publint({ pkgDir: dir, level: 'warning', strict: true });
  for (const m of messages) fail(name, `publint ${m.type} ${m.code} at ${m.path.join('.')}`);

  // 3. what `pnpm pack` would ship
  const packed = JSON.parse(
    // without lifecycle scripts, whose output would precede the JSON (`@tubekit/nn`'s `prepare`)
    execFileSync('pnpm', ['--config.ignore-scripts=true', 'pack', '--dry-run', '--json'], {
      cwd: dir,
      encoding: 'utf8',
    }),
  );
  const files = (Array.isArray(packed) ? packed[0] : packed).files.map((f) => f.path);
  if (!files.includes('package.json') || !files.includes('README.md') || !files.includes('LICENSE'))
    fail(name, 'pack lacks package.json, README.md or LICENSE');
  const stray = files.filter(
    (f) =>
      !(
        f.startsWith('dist/') ||
        (shipsGenerated && f.startsWith('generated/')) ||
        f === 'package.json' ||
        f === 'README.md' ||
        f === 'LICENSE'
      ),
  );
  if (stray.length) fail(name, `pack would ship ${stray.join(', ')}`);
  if (files.some((f) => /\.test\.|\.bench\./.test(f)))
    fail(name, 'pack would ship tests or benchmarks');

  // 4. consumer harness: require and import each entry in a fresh node process
  for (const subpath of Object.keys(manifest.exports ?? {})) {
    if (subpath === './package.json') continue;
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    const cjs = `const m = require(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports');`;
    const esm = `const m = await import(${JSON.stringify(specifier)}); if (Object.keys(m).length === 0) throw new Error('no exports');`;
    for (const [kind, args] of [
      ['require', ['-e', cjs]],
      ['import', ['--input-type=module', '-e', esm]],
    ]) {
      try {
        execFileSync(process.execPath, args, { cwd: dir, stdio: 'pipe' });
      } catch (error) {
        fail(
          name,
          `${kind}(${specifier}) failed: ${
            String(error.stderr ?? error.message)
              .split('\n')
              .find((l) => /Error/.test(l)) ?? error.message
          }`,
        );
      }
    }
  }
  console.log(`checked ${name}`);
}

if (!process.argv.includes('--no-consumer')) consumerCheck();

/** The package directories of `pkgDir`'s dependency closure in a pnpm node_modules layout. */
function closure(pkgDir) {
  const seen = new Map();
  const visit = (dir) => {
    const real = realpathSync(dir);
    if (seen.has(real)) return;
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
    seen.set(real, manifest.name);
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      // pnpm links a package's dependencies next to it: walk up to the nearest node_modules/<dep>.
      for (let at = real; at !== dirname(at); at = dirname(at)) {
        const candidate = join(at, 'node_modules', dep);
        if (existsSync(join(candidate, 'package.json'))) {
          visit(candidate);
          break;
        }
      }
    }
  };
  visit(pkgDir);
  return seen;
}

/** Bytes of the files under `dir` (not following links, not descending into node_modules). */
function treeBytes(dir) {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) bytes += treeBytes(path);
    else if (entry.isFile()) bytes += statSync(path).size;
  }
  return bytes;
}

/** Files of a native addon (compiled `.node` binaries or a node-gyp build) under `dir`. */
function nativeFiles(dir) {
  const found = [];
  const walk = (d, depth) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(d, entry.name);
      if (entry.isDirectory() && depth < 6) walk(path, depth + 1);
      else if (entry.name.endsWith('.node') || entry.name === 'binding.gyp') found.push(path);
    }
  };
  walk(dir, 0);
  return found;
}

function consumerCheck() {
  const scratch = mkdtempSync(join(tmpdir(), 'tubekit-consumer-'));
  const run = (cmd, args, options = {}) =>
    execFileSync(cmd, args, { cwd: scratch, encoding: 'utf8', stdio: 'pipe', ...options });
  const firstError = (error) =>
    String(error.stderr || error.stdout || error.message)
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 3)
      .join(' | ');
  try {
    const tarballs = join(scratch, 'tarballs');
    mkdirSync(tarballs);
    const packages = [];
    for (const dir of packageDirs) {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (manifest.private) continue;
      const out = run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir }).trim();
      packages.push({ manifest, tarball: out.split('\n').pop() });
    }
    const files = Object.fromEntries(packages.map((p) => [p.manifest.name, `file:${p.tarball}`]));
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({
        name: 'tubekit-consumer',
        private: true,
        type: 'module',
        dependencies: files,
        pnpm: { overrides: files },
      }),
    );
    try {
      run('pnpm', ['install', '--offline', '--ignore-scripts'], { cwd: scratch });
    } catch {
      run('pnpm', ['install', '--prefer-offline', '--ignore-scripts'], { cwd: scratch });
    }
    const specifiers = packages.flatMap(({ manifest }) =>
      Object.keys(manifest.exports ?? {})
        .filter((s) => s !== './package.json')
        .map((s) => (s === '.' ? manifest.name : `${manifest.name}/${s.slice(2)}`)),
    );
    for (const spec of specifiers) {
      for (const [kind, args] of [
        [
          'require',
          [
            '-e',
            `const m = require(${JSON.stringify(spec)}); if (!Object.keys(m).length) throw new Error('no exports');`,
          ],
        ],
        [
          'import',
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(spec)}); if (!Object.keys(m).length) throw new Error('no exports');`,
          ],
        ],
      ]) {
        try {
          run(process.execPath, args);
        } catch (error) {
          fail(spec, `consumer ${kind} failed: ${firstError(error)}`);
        }
      }
    }
    // Type-check a consumer under both resolutions a user may have.
    // ...and `@tubekit/nn`'s `tf` declares tfjs-core's chained methods (`x.square()`).
    writeFileSync(
      join(scratch, 'consumer.ts'),
      [
        ...specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};\nvoid m${i};`),
        "import { tf } from '@tubekit/nn';",
        'void tf.scalar(2).square();',
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, resolution] of [
      ['node16', 'node16'],
      ['commonjs', 'node10'],
    ]) {
      try {
        run(process.execPath, [
          tsc,
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--types',
          'node',
          '--typeRoots',
          join(root, 'node_modules', '@types'),
          '--module',
          module,
          '--moduleResolution',
          resolution,
          '--target',
          'es2022',
          'consumer.ts',
        ]);
      } catch (error) {
        fail('consumer', `tsc --moduleResolution ${resolution} failed: ${firstError(error)}`);
      }
    }
    try {
      const help = run('npx', ['--no-install', 'tubekit', '--help']);
      if (!/Usage: tubekit/i.test(help))
        fail('tubekit', `npx tubekit --help printed no usage: ${help.slice(0, 80)}`);
    } catch (error) {
      fail('tubekit', `npx tubekit --help failed: ${firstError(error)}`);
    }
    const metrics = closure(join(scratch, 'node_modules', '@tubekit', 'metrics'));
    const heavy = [...metrics.values()].filter((n) =>
      /^(@tensorflow\/|onnxruntime|sharp$|@img\/|torch)/.test(n),
    );
    if (heavy.length)
      fail('@tubekit/metrics', `pulls an ML runtime or image codec: ${heavy.join(', ')}`);
    const native = [...metrics.keys()].flatMap(nativeFiles);
    if (native.length) fail('@tubekit/metrics', `pulls native modules: ${native.join(', ')}`);
    try {
      run(process.execPath, [
        '-e',
        "require('@tubekit/datasets'); if (Object.keys(require.cache).some((k) => /[\\/]sharp[\\/]/.test(k))) throw new Error('sharp loaded');",
      ]);
    } catch (error) {
      fail('@tubekit/datasets', `importing it loads sharp: ${firstError(error)}`);
    }
    // `@tubekit/nn` completes tfjs-core with the bundle of its gradient and chained-op registrations.
    const gradCheck = (load) =>
      `const nn = ${load}; nn.initBackend({ backend: 'cpu', log() {} }).then(() => { const g = nn.tf.grad((x) => x.square().sum())(nn.tf.tensor1d([1, 2])).arraySync(); if (String(g) !== '2,4') throw new Error('gradient ' + g); });`;
    for (const [kind, args] of [
      ['require', ['-e', gradCheck("require('@tubekit/nn')")]],
      ['import', ['--input-type=module', '-e', gradCheck("await import('@tubekit/nn')")]],
    ]) {
      try {
        run(process.execPath, args);
      } catch (error) {
        fail('@tubekit/nn', `tf.grad of a chained op failed under ${kind}: ${firstError(error)}`);
      }
    }
    const nnClosure = closure(join(scratch, 'node_modules', '@tubekit', 'nn'));
    const NN_BUDGET_MB = 60;
    const beyondTfjs = [...nnClosure].filter(
      ([, n]) => n !== '@tensorflow/tfjs-core' && n !== '@tensorflow/tfjs-backend-wasm',
    );
    const nnMB = beyondTfjs.reduce((sum, [dir]) => sum + treeBytes(dir), 0) / 2 ** 20;
    if (nnMB > NN_BUDGET_MB)
      fail('@tubekit/nn', `installs ${nnMB.toFixed(1)} MB beyond tfjs-core and the wasm backend`);
    console.log(
      `@tubekit/nn: ${nnClosure.size} packages, ${nnMB.toFixed(1)} MB beyond tfjs-core and the wasm backend (budget ${NN_BUDGET_MB} MB)`,
    );
    console.log(
      `consumer check: ${packages.length} tarballs installed; ${specifiers.length} entries imported, required and type-checked; metrics closure: ${metrics.size} packages, no ML runtime, no native module`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (failures.length) {
  console.error(`\npackage checks failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`package checks: ${packageDirs.length} packages ok`);
