import { TubekitFormatError } from '@tubekit/datasets';
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

/** The longest error line the CLI prints (a path or two plus an input quote of ~80 characters). */
const MAX_ERROR_LINE = 600;

/**
 * A reader's error in the house style `<file>[:<line>]: <reason>`: a `line 12[, column x2]` place
 * becomes `file:12: column x2: …`; other places (`key videos[3]`, `byte 4711`, `entry …`) follow
 * the file.
 */
function formatError(error: TubekitFormatError): string {
  const m = /^line (\d+)(?:, (.*))?$/.exec(error.place);
  if (m) return `${error.file}:${m[1]}: ${m[2] ? `${m[2]}: ` : ''}${error.detail}`;
  return `${error.file}: ${error.place ? `${error.place}: ` : ''}${error.detail}`;
}

/**
 * One line that says what went wrong, without a stack trace: the first line of the message,
 * reader errors as `<file>[:<line>]: <reason>`, control characters escaped (a binary header never
 * reaches the terminal raw) and the whole cut to 600 characters, whatever the error quotes.
 */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof TubekitFormatError) text = formatError(error);
  else if (error instanceof Error) text = error.message || error.name;
  else text = String(error);
  const end = text.indexOf('\n');
  if (end >= 0) text = text.slice(0, end);
  if (text.length > MAX_ERROR_LINE) text = `${text.slice(0, MAX_ERROR_LINE - 1)}…`;
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
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
