import { Command } from 'commander';
import { registerVersionCommand } from './commands/version';
import { TUBEKIT_VERSION } from './version';

/**
 * Builds the `tubekit` command. Each command lives in `src/commands/<name>.ts` and exports a
 * `register…Command(program)` function that is called here — the one place commands are listed.
 */
export function createProgram(): Command {
  const program = new Command('tubekit')
    .description(
      'spatio-temporal action detection toolkit: evaluate, link, convert, inspect, synthesise',
    )
    .version(TUBEKIT_VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerVersionCommand(program);
  return program;
}
