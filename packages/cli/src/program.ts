import { Command } from 'commander';
import { registerConvertCommand } from './commands/convert';
import { registerEvalCommand } from './commands/eval';
import { registerInspectCommand } from './commands/inspect';
import { registerLinkCommand } from './commands/link';
import { registerSynthCommand } from './commands/synth';
import { registerVersionCommand } from './commands/version';
import { registerViewCommand } from './commands/view';
import { registerVizCommand } from './commands/viz';
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
  registerConvertCommand(program);
  registerEvalCommand(program);
  registerInspectCommand(program);
  registerLinkCommand(program);
  registerSynthCommand(program);
  registerVersionCommand(program);
  registerViewCommand(program);
  registerVizCommand(program);
  return program;
}
