// Writes the package's test counts to `<rootDir>/.jest-results.json` so that
// `scripts/test-summary.mjs` can print one closing line for the whole monorepo, and prints every
// skipped test with its title, which says why it was skipped (e.g. "… (skipped: ffmpeg not
// installed — apt-get install ffmpeg)"), so a skip is never silent.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.testResults.flatMap((file) =>
      file.testResults
        .filter((t) => t.status === 'pending' || t.status === 'todo')
        .map((t) => `${file.testFilePath.slice(this.rootDir.length + 1)}: ${t.fullName}`),
    );
    for (const line of skipped) process.stderr.write(`skipped ${line}\n`);
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      suitesFailed: results.numFailedTestSuites,
      skippedTests: skipped,
    };
    writeFileSync(join(this.rootDir, '.jest-results.json'), `${JSON.stringify(summary)}\n`);
  }
}

module.exports = SummaryReporter;
