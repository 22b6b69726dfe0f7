/**
 * A small least-recently-used cache (a `Map` kept in recency order). Frame sources use it to keep
 * the last decoded frames, so that overlapping clips decode each frame once.
 *
 * @example
 * const cache = new LruCache<string, Float32Array>(64);
 * cache.set('12', frame);
 * cache.get('12'); // frame, now the most recently used
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  /** @param capacity most entries kept (0 disables the cache). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`LruCache: capacity must be an integer ≥ 0, got ${capacity}`);
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** The value for `key` (marking it most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Whether `key` is held (does not change recency). */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }

  /** Removes every entry. */
  clear(): void {
    this.entries.clear();
  }
}
