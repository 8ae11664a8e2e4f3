/**
 * Bounded LRU of verification results keyed by credential hash, holding positive entries
 * (the credential's principal) and negative ones (no valid credential has this hash).
 *
 * Invariants:
 * - `invalidate(hash)` evicts at once and bumps `generation`. A lookup that began before an
 *   invalidation must not store its (possibly stale) result: `setIfCurrent` compares the
 *   generation taken when the lookup began.
 * - Entries older than the TTL are misses. The TTL is a last line of defence, not the
 *   mechanism that makes revocation take effect.
 * - Each entry's lifetime is the TTL shortened by a random jitter of up to a fifth, so
 *   entries cached in the same second do not all expire (and miss together) in the same
 *   second. Jitter only ever shortens: no entry outlives the TTL.
 */
const TTL_JITTER = 0.2;

export class CredentialCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private currentGeneration = 0;

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    /** Uniform in [0, 1): `Math.random`, or a fixed value in tests. */
    private readonly random: () => number = Math.random,
  ) {}

  get generation(): number {
    return this.currentGeneration;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached value, or undefined on a miss (absent or older than the TTL). */
  get(hash: string, now: number): V | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    this.entries.delete(hash);
    if (now >= entry.expiresAt) return undefined;
    this.entries.set(hash, entry);
    return entry.value;
  }

  /** Stores `value` unless an invalidation happened since `generation` was read. */
  setIfCurrent(hash: string, value: V, generation: number, now: number): void {
    if (generation !== this.currentGeneration || this.capacity === 0) return;
    this.entries.delete(hash);
    this.entries.set(hash, { value, expiresAt: now + this.ttlMs * (1 - TTL_JITTER * this.random()) });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  invalidate(hashes: Iterable<string>): void {
    this.currentGeneration++;
    for (const hash of hashes) this.entries.delete(hash);
  }

  /** Forgets everything; used when invalidations may have been missed. */
  clear(): void {
    this.currentGeneration++;
    this.entries.clear();
  }
}
