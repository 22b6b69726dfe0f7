export { CliError } from './cli-error';
export { createProgram } from './program';
export type { CliIO } from './run-action';
export { describeError, runAction } from './run-action';
export { TUBEKIT_VERSION } from './version';
