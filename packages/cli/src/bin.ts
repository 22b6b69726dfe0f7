#!/usr/bin/env node
import { CommanderError } from 'commander';
import { createProgram } from './program';
import { describeError } from './run-action';

createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // commander has printed its one line (or the help) already
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`tubekit: ${describeError(error)}\n`);
    process.exitCode = 1;
  });
