/**
 * Bounded cache of verification results keyed by credential hash, holding positive entries
 * (the credential's principal) and negative ones (no valid credential has this hash).
 * Eviction is least-recently-used by second chance (CLOCK): a hit only marks its entry, and
 * the eviction that a full cache needs moves marked entries to the back instead of dropping
 * them. A hit, on every /v1 request, so never reorders the Map.
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
 * - An entry is due for refresh (`refreshAt`) a tenth of the TTL before it expires: a hit from
 *   then on still answers from the entry, and the verifier asks the store again beside it, so
 *   a credential in steady use is never a miss that waits for the store. Refreshing only ever
 *   replaces an entry through `setIfCurrent`, so it can never undo an invalidation.
 */
const TTL_JITTER = 0.2;
const REFRESH_AHEAD = 0.1;

/** What a hit sees: the cached value, and from when on it should be refreshed. */
export interface CachedEntry<V> {
  readonly value: V;
  readonly refreshAt: number;
}

interface Entry<V> extends CachedEntry<V> {
  expiresAt: number;
  referenced: boolean;
}

export class CredentialCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
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

  /** The cached entry, or undefined on a miss (absent or older than the TTL). */
  get(hash: string, now: number): CachedEntry<V> | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.entries.delete(hash);
      return undefined;
    }
    entry.referenced = true;
    return entry;
  }

  /** Stores `value` unless an invalidation happened since `generation` was read. */
  setIfCurrent(hash: string, value: V, generation: number, now: number): void {
    if (generation !== this.currentGeneration || this.capacity === 0) return;
    this.entries.delete(hash);
    const expiresAt = now + this.ttlMs * (1 - TTL_JITTER * this.random());
    this.entries.set(hash, { value, expiresAt, refreshAt: expiresAt - this.ttlMs * REFRESH_AHEAD, referenced: false });
    this.evictBeyondCapacity();
  }

  /** Drops the oldest unmarked entry; each marked one passed on the way loses its mark and goes to the back. */
  private evictBeyondCapacity(): void {
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry<V>];
      this.entries.delete(oldest);
      if (!entry.referenced) return;
      entry.referenced = false;
      this.entries.set(oldest, entry);
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
