import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildRequest } from './child-protocol';
import { jobProcess } from './job-process';

const MODULE = resolve(__dirname, '..', 'test', 'fixtures', 'test-jobs.ts');

describe('jobProcess', () => {
  it('rejects a job whose idle child was killed before it could take it, without crashing the caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tubekit-job-process-'));
    const slot = jobProcess({ log: () => {}, where: 'slot t' });
    const request = (label: string): ChildRequest => ({
      module: MODULE,
      store: join(dir, 'store'),
      workDir: dir,
      job: {
        id: label,
        label,
        config: { op: 'sum', add: 1 },
        attempt: 1,
        parents: {},
        environment: { flavour: 'plain' },
      },
    });
    try {
      let pid: number | undefined;
      await expect(
        slot.run(request('first'), { tag: 't', onStart: (p) => (pid = p) }),
      ).resolves.toBe(1);
      // The idle child dies (as Ctrl-C can end it), and the next job goes to it before this
      // process has seen it exit: the wait blocks the event loop, not the child's death.
      process.kill(pid as number, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      await expect(slot.run(request('second'), { tag: 't' })).rejects.toThrow(
        'the process running second on slot t died (SIGKILL)',
      );
      // the slot forks a fresh child for the next job
      await expect(slot.run(request('third'), { tag: 't' })).resolves.toBe(1);
    } finally {
      await slot.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
