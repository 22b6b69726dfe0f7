import type { Command } from 'commander';
import { runAction } from '../run-action';
import { TUBEKIT_VERSION } from '../version';

/** `tubekit version [--json]`: the CLI's version and the runtime it runs on. */
export function registerVersionCommand(program: Command): void {
  program
    .command('version')
    .description('print the tubekit version, Node version and platform')
    .option('--json', 'machine-readable output')
    .action(
      runAction('version', (options: { json?: boolean }) => {
        const info = {
          tubekit: TUBEKIT_VERSION,
          node: process.version,
          platform: `${process.platform}-${process.arch}`,
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(info)}\n`
            : `tubekit ${info.tubekit} (node ${info.node}, ${info.platform})\n`,
        );
      }),
    );
}
