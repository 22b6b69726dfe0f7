import { execFileSync, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
/** Running (a zombie waiting to be reaped by init counts as gone). */
const alive = (pid: number) => {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
    return stat.trim() !== '' && !stat.trim().startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
};

describe('exitWithParent', () => {
  it('ends a busy worker within a few seconds of its parent being SIGKILLed', async () => {
    const parent = spawn(join(root, 'node_modules', '.bin', 'tsx'), [
      join(__dirname, '..', 'test', 'fixtures', 'watched-parent.ts'),
    ]);
    const childPid = await new Promise<number>((done, fail) => {
      let out = '';
      parent.stdout.on('data', (b) => {
        out += b;
        const m = /child (\d+)/.exec(out);
        if (m) done(Number(m[1]));
      });
      parent.on('exit', (code) => fail(new Error(`fixture parent exited early (${code})`)));
    });
    expect(alive(childPid)).toBe(true);
    // tsx runs the script in a node child of its own: kill that process, the worker's parent.
    const scriptPid = Number(
      execFileSync('ps', ['-o', 'ppid=', '-p', String(childPid)], { encoding: 'utf8' }).trim(),
    );
    process.kill(scriptPid, 'SIGKILL');
    const t0 = Date.now();
    while (alive(childPid) && Date.now() - t0 < 10_000)
      await new Promise((r) => setTimeout(r, 100));
    const waited = Date.now() - t0;
    parent.kill('SIGKILL');
    expect(alive(childPid)).toBe(false);
    expect(waited).toBeLessThan(5_000);
  });
});
