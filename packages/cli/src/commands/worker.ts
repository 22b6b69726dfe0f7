import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error';
import { runAction } from '../run-action';

interface WorkerOptions {
  queue: string;
  concurrency: string;
  store?: string;
  workDir?: string;
}

/** Where the benchmark apps declare their job kinds (a tubekit checkout's `apps/`), and as what. */
const JOB_MODULES: Array<[string, string]> = [
  [join('apps', 'step-bench', 'src', 'jobs.ts'), 'STEP_JOB_KINDS'],
  [join('apps', 'cfad-bench', 'src', 'jobs.ts'), 'CFAD_JOB_KINDS'],
  [join('apps', 'pcsc-bench', 'src', 'jobs.ts'), 'PCSC_JOB_KINDS'],
];

/**
 * The job kinds of the benchmark apps of the tubekit checkout that holds this command or the
 * current folder: kind → module. A worker runs these and nothing else.
 */
async function appJobKinds(): Promise<Record<string, string>> {
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const kinds: Record<string, string> = {};
  for (const start of [dirname(here), process.cwd()])
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      for (const [rel, name] of JOB_MODULES)
        if (existsSync(join(dir, rel)))
          Object.assign(
            kinds,
            (await import(pathToFileURL(join(dir, rel)).href))[name] as Record<string, string>,
          );
      if (Object.keys(kinds).length || dirname(dir) === dir) break;
    }
  if (!Object.keys(kinds).length)
    throw new CliError(
      `no benchmark app here to run jobs of (looked for ${JOB_MODULES.map(([rel]) => rel).join(', ')} above ${process.cwd()}); run it in a tubekit checkout: pnpm tubekit worker --queue …`,
    );
  return kinds;
}

/**
 * `tubekit worker --queue redis://… [--concurrency N] [--store dir] [--work-dir dir]`: takes the
 * jobs of `pnpm reproduce --queue …` (on this or any machine) and runs them, each in its own child
 * process, until Ctrl-C (which lets the running jobs finish) or until the queue's jobs need
 * another tubekit version or dataset (exit code 1, naming the difference).
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the jobs of a benchmark queued on Redis (pnpm reproduce --queue …)')
    .requiredOption('--queue <url>', 'Redis URL, redis://[:password@]host:port[/db]')
    .option('--concurrency <n>', 'jobs at once, each in a child process', '1')
    .option(
      '--store <dir>',
      'shared folder for trunks and checkpoints (default: through Redis, at most 64 MiB a file)',
    )
    .option('--work-dir <dir>', "folder for this worker's rendered data (default: a temporary one)")
    .action(
      runAction('worker', async (options: WorkerOptions) => {
        const concurrency = Number(options.concurrency);
        if (!Number.isSafeInteger(concurrency) || concurrency < 1)
          throw new CliError(`--concurrency must be an integer ≥ 1, got "${options.concurrency}"`);
        const stop = new AbortController();
        const onSignal = () => {
          process.stderr.write('tubekit worker: stopping after the running jobs\n');
          stop.abort();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        try {
          // loaded here: bullmq and ioredis cost every other command ~0.2 s of start-up
          const { runQueueWorker } = await import('@tubekit/queue');
          const summary = await runQueueWorker({
            url: options.queue,
            kinds: await appJobKinds(),
            concurrency,
            store: options.store,
            workDir: options.workDir,
            signal: stop.signal,
          });
          if (summary.refused) throw new CliError(summary.refused);
          process.stderr.write(
            `tubekit worker: ${summary.done} jobs done, ${summary.failed} failed\n`,
          );
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
