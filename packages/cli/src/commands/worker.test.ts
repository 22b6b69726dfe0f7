import { runCli } from '../../test/run-cli';

describe('tubekit worker', () => {
  // first: a timer left by an earlier test would still be counted in `before`
  it('leaves no timer or socket behind when it cannot reach Redis', async () => {
    const open = () =>
      process
        .getActiveResourcesInfo()
        .filter((r) => r !== 'PipeWrap')
        .sort();
    const settle = () => new Promise((done) => setTimeout(done, 300));
    await settle();
    const before = open();
    // What is open now and was not before (a multiset difference): a timer of jest's own that was
    // open before may close meanwhile, which is no leak of ours.
    const added = () => {
      const remaining = [...before];
      return open().filter((r) => {
        const i = remaining.indexOf(r);
        if (i < 0) return true;
        remaining.splice(i, 1);
        return false;
      });
    };
    const r = await runCli('worker', '--queue', 'redis://127.0.0.1:1');
    expect(r.code).toBe(1);
    // What the failed connection left may take a moment to close on a busy machine, never the
    // 2 s of ioredis's default disconnect timer: wait up to 1.2 s for it.
    for (let waited = 0; waited < 1200 && added().length > 0; waited += 100)
      await new Promise((done) => setTimeout(done, 100));
    expect(added()).toEqual([]);
  });

  it('fails on an unreachable Redis, naming the URL without its password', async () => {
    const r = await runCli('worker', '--queue', 'redis://:hunter2@127.0.0.1:1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tubekit worker: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\n$/,
    );
  });

  it('refuses a concurrency that is not a positive integer', async () => {
    const r = await runCli('worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '0');
    expect(r.stderr).toBe('tubekit worker: --concurrency must be an integer ≥ 1, got "0"\n');
    expect(r.code).toBe(1);
  });
});
