/**
 * An error meant for the person at the terminal: the CLI prints its message as one line on stderr
 * (no stack trace) and exits with `exitCode`. Library errors that already name the file, line or
 * key (e.g. a reader's `TubekitFormatError`) are printed the same way.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
