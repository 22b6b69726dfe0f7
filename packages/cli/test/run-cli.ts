import { createProgram } from '../src/program';

/** What one in-process `tubekit …` run printed and the exit code it set. */
export interface CliRun {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs `tubekit <args>` (strings or arrays of strings) in-process (no child process), capturing stdout, stderr and the exit
 * code that the command's `runAction` wrapper sets. Commander's own usage errors throw instead of
 * exiting, so a test sees them as a rejected promise.
 */
export async function runCli(...args: (string | readonly string[])[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await createProgram()
      .exitOverride()
      .parseAsync(['node', 'tubekit', ...args.flat()]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { stdout: out.join(''), stderr: err.join(''), code };
}
