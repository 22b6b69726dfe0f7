import { runCli } from '../../test/run-cli';

describe('tubekit worker', () => {
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
