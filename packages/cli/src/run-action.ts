import { CliError } from './cli-error';

/** Where a command writes: injectable so tests can capture output without spawning a process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** One line that says what went wrong, without a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/**
 * Wraps a command action: errors become one line on stderr prefixed with `tubekit <command>:`
 * and a non-zero exit code; with `TUBEKIT_DEBUG=1` the stack is printed too.
 */
export function runAction<A extends unknown[]>(
  command: string,
  action: (...args: A) => Promise<void> | void,
  io: CliIO = processIO,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      io.stderr(`tubekit ${command}: ${describeError(error)}\n`);
      if (process.env.TUBEKIT_DEBUG && error instanceof Error && error.stack)
        io.stderr(`${error.stack}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    }
  };
}
