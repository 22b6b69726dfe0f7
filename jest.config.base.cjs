// One jest configuration for every package: `module.exports = require('../../jest.config.base.cjs')(__dirname)`.
// Sources of other workspace packages are mapped to their `src/`, so tests never need a build first.
const path = require('node:path');

const root = __dirname;

/**
 * @param {string} packageDir absolute path of the package whose tests run
 * @param {import('jest').Config} [overrides]
 * @returns {import('jest').Config}
 */
module.exports = function jestConfig(packageDir, overrides = {}) {
  return {
    rootDir: packageDir,
    testEnvironment: path.join(root, 'tooling/jest/shared-typed-arrays-environment.cjs'),
    // swc for our sources, plus a prologue that binds hot globals per module (see transform.cjs:
    // global reads in jest's vm context are ~100× slower on Node 20); node_modules get the prologue
    // only, so tfjs' JavaScript runs at plain-Node speed too.
    transform: {
      '^.+\\.(?:tsx?|c?jsx?)$': [
        path.join(root, 'tooling/jest/transform.cjs'),
        {
          jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    transformIgnorePatterns: [],
    moduleNameMapper: {
      '^@tubekit/heads/(.*)$': `${root}/packages/heads/src/$1`,
      '^@tubekit/([^/]+)$': `${root}/packages/$1/src`,
      '^tubekit$': `${root}/packages/cli/src`,
    },
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
    // Tests are small (tiny shapes, few iterations); 60 s leaves room for a 2-core machine under
    // other load. The few end-to-end tests that run a whole CLI pipeline set their own limit.
    testTimeout: 60_000,
    reporters: ['default', path.join(root, 'tooling/jest/summary-reporter.cjs')],
    ...overrides,
  };
};
