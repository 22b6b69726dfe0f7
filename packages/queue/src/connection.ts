import { Redis } from 'ioredis';
import { redactIn, redactUrl } from './redact';

/** How long {@link connectRedis} waits for a Redis server before it gives up (ms). */
export const CONNECT_TIMEOUT_MS = 3000;

/**
 * How long a `disconnect()` waits for the socket to close before destroying it (ms; ioredis'
 * default is 2 s). ioredis clears that wait when the socket closes, which never happens for a
 * socket that had already closed (a refused connection), so with the default a worker that could
 * not reach Redis stayed alive 2 s after failing.
 */
export const DISCONNECT_TIMEOUT_MS = 100;

/**
 * A connection to the Redis server at `url` (`redis://[:password@]host:port[/db]`), checked with a
 * PING before it is returned: an unreachable or refusing server fails within `timeoutMs` with
 * `cannot reach Redis at <url with the password masked> (<reason>)`, never hangs. The connection
 * suits BullMQ (`maxRetriesPerRequest: null`); later connection errors are handed to `onError`
 * with the password masked (ioredis would otherwise print them itself).
 */
export async function connectRedis(
  url: string,
  options: { timeoutMs?: number; onError?: (message: string) => void } = {},
): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  let redis: Redis;
  try {
    redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
  } catch (error) {
    throw new Error(`bad Redis URL ${redactUrl(url)} (${redactIn(String(error), url)})`);
  }
  let last = '';
  let ready = false;
  redis.on('error', (error: Error) => {
    last = redactIn(error.message, url);
    if (ready) options.onError?.(last);
  });
  const probe = async () => {
    await redis.connect();
    await redis.ping();
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    const reason = redactIn(last || (error as Error).message, url);
    throw new Error(`cannot reach Redis at ${redactUrl(url)} (${reason})`);
  } finally {
    clearTimeout(timer);
  }
  ready = true;
  return redis;
}
