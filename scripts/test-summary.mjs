#!/usr/bin/env node
// Prints one closing line for all the packages' jest runs (each writes .jest-results.json).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const total = { passed: 0, failed: 0, skipped: 0, packages: 0 };
const skippedTests = [];
for (const area of ['packages', 'apps']) {
  const dir = join(root, area);
  if (!existsSync(dir)) continue;
  for (const pkg of readdirSync(dir)) {
    const file = join(dir, pkg, '.jest-results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    total.passed += r.passed;
    total.failed += r.failed;
    total.skipped += r.skipped;
    for (const t of r.skippedTests ?? []) skippedTests.push(`${area}/${pkg}/${t}`);
    total.packages += 1;
  }
}
if (total.packages === 0) {
  console.error('test summary: no package reported test results');
  process.exit(1);
}
console.log(`\ntest summary over ${total.packages} packages:`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
for (const t of skippedTests) console.log(`  skipped ${t}`);
if (total.failed > 0) process.exit(1);
