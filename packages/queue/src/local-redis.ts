import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `redis-server` of {@link startLocalRedis}. */
export interface LocalRedis {
  url: string;
  port: number;
  /** The server process (a test kills it to see a lost server). */
  process: ChildProcess;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** Whether a `redis-server` binary is on the PATH (tests skip, saying so, without it). */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throw-away `redis-server` (Debian package `redis-server`) on a free local port with a
 * temporary working folder and no persistence, for tests and benchmarks; resolves once it
 * accepts connections.
 *
 * @example
 * const redis = await startLocalRedis();
 * try { … redis.url … } finally { await redis.stop(); }
 */
export async function startLocalRedis(options: { password?: string } = {}): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tubekit-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push('--appendonly', 'no');
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b;
      if (/Ready to accept connections/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`redis-server exited (${code}): ${output.trim().split('\n').pop()}`)),
    );
  });
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
