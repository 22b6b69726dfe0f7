import { Command } from 'commander';
import { registerConvertCommand } from './commands/convert';
import { registerEvalCommand } from './commands/eval';
import { registerInspectCommand } from './commands/inspect';
import { registerLinkCommand } from './commands/link';
import { registerSynthCommand } from './commands/synth';
import { registerVersionCommand } from './commands/version';
import { registerViewCommand } from './commands/view';
import { registerVizCommand } from './commands/viz';
import { registerWorkerCommand } from './commands/worker';
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
    .version(TUBEKIT_VERSION, '-v, --version');
  registerConvertCommand(program);
  registerEvalCommand(program);
  registerInspectCommand(program);
  registerLinkCommand(program);
  registerSynthCommand(program);
  registerVersionCommand(program);
  registerViewCommand(program);
  registerVizCommand(program);
  registerWorkerCommand(program);
  configureUsageErrors(program, 'tubekit');
  return program;
}

/**
 * Commander's usage errors (a missing required option, an unknown option, a missing argument)
 * as one line in the house style, `tubekit <cmd>: <option>: <reason> (run … --help for usage)`,
 * for the program and every subcommand (commander copies settings only when a command is made).
 * Commander throws instead of exiting (`exitOverride`), so `bin.ts` sets the exit code and tests
 * can run commands in-process.
 */
function configureUsageErrors(command: Command, name: string): void {
  command
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`${usageErrorLine(name, text)}\n`),
    });
  for (const sub of command.commands) configureUsageErrors(sub, `${name} ${sub.name()}`);
}

/** `error: required option '--gt <file>' not specified` → `tubekit eval frame: --gt <file>: required option missing (…)`. */
export function usageErrorLine(name: string, text: string): string {
  const message = text.trim().replace(/^error: /, '');
  const help = `(run ${name} --help for usage)`;
  const required = /^required option '([^']+)' not specified$/.exec(message);
  if (required) return `${name}: ${required[1]}: required option missing ${help}`;
  const argument = /^missing required argument '([^']+)'$/.exec(message);
  if (argument) return `${name}: <${argument[1]}>: required argument missing ${help}`;
  return `${name}: ${message} ${help}`;
}
