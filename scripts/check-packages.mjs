#!/usr/bin/env node
// Checks every publishable package after `turbo run build` (run by `pnpm test` and CI):
//  1. the manifest has the house shape (exports with types first, sideEffects, files, engines, …);
//  2. publint finds no error or warning;
//  3. `pnpm pack` would ship dist/ and the README and nothing from src/ or tests;
//  4. a child process `require`s and `import`s each exported entry point (the consumer harness).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  if (manifest.sideEffects !== false) fail(name, 'package.json "sideEffects" must be false');
  if (manifest.publishConfig?.access !== 'public')
    fail(name, 'publishConfig.access must be "public"');
  if (JSON.stringify(manifest.files) !== JSON.stringify(['dist', 'README.md']))
    fail(name, 'files must be ["dist", "README.md"]');
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
    execFileSync('pnpm', ['pack', '--dry-run', '--json'], { cwd: dir, encoding: 'utf8' }),
  );
  const files = (Array.isArray(packed) ? packed[0] : packed).files.map((f) => f.path);
  if (!files.includes('package.json') || !files.includes('README.md'))
    fail(name, 'pack lacks package.json or README.md');
  const stray = files.filter(
    (f) => !(f.startsWith('dist/') || f === 'package.json' || f === 'README.md' || f === 'LICENSE'),
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

if (failures.length) {
  console.error(`\npackage checks failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`package checks: ${packageDirs.length} packages ok`);
