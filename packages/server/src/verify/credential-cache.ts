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
 */
export class CredentialCache<V> {
  private readonly entries = new Map<string, { value: V; storedAt: number }>();
  private currentGeneration = 0;

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
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
    if (now - entry.storedAt >= this.ttlMs) return undefined;
    this.entries.set(hash, entry);
    return entry.value;
  }

  /** Stores `value` unless an invalidation happened since `generation` was read. */
  setIfCurrent(hash: string, value: V, generation: number, now: number): void {
    if (generation !== this.currentGeneration || this.capacity === 0) return;
    this.entries.delete(hash);
    this.entries.set(hash, { value, storedAt: now });
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
