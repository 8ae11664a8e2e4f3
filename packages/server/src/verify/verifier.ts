/**
 * The hot path: turns a presented credential into a principal, or null.
 *
 * Invariants:
 * - A missing, malformed or bad-checksum credential is rejected before any I/O.
 * - A hit in the cache does no I/O at all; the verifier never writes to the database.
 * - A lookup that answers synchronously (SQLite, see `Store.read`) is applied at once: nothing
 *   can come between it and the cache write, so it is never shared and its generation check
 *   always passes.
 * - Concurrent asynchronous misses for one hash share a single lookup; an invalidation
 *   detaches that shared lookup, so a request arriving after a revocation never joins a stale one.
 * - A credential in steady use is refreshed shortly before its entry expires (see
 *   credential-cache.ts): the request that notices answers from the entry, so on PostgreSQL no
 *   request of a busy key waits for the store. A refresh stores its answer only if no
 *   invalidation came in the meantime, so it cannot bring a revoked credential back.
 * - While `isTrusted()` is false (this instance may have missed an invalidation), the cache
 *   is neither read nor written and lookups are not shared: every request asks the store.
 * - Callers cannot tell why a credential failed: every failure is the same `null`.
 */
import { type CredentialKind, FORMATS, hashCredential, parseCredential } from '@skytells/credentials';
import type { Clock } from '../clock.js';
import type { Metrics } from '../http/metrics.js';
import { type MaybePromise, whenReady } from '../maybe-promise.js';
import { CredentialCache } from './credential-cache.js';

/** Nothing longer is a credential: such a string is refused with one comparison, never hashed. */
const LONGEST_CREDENTIAL = Math.max(...FORMATS.map((format) => format.length));

export interface VerifiedCredential {
  kind: CredentialKind;
  credentialId: string;
  accountId: string;
  /** Set for credentials that stop working at a known time (epoch ms): expiry or a grace period's end. */
  expiresAt: number | null;
  /** A token's scopes; empty for an API key. */
  scopes: readonly string[];
  /**
   * The usage batch's note of where this credential's pending usage groups are (see
   * usage-batch.ts): every request of a credential gets this same object from the cache, so
   * recording one needs no lookup by id. Not part of the answer: null when made, and only
   * trusted by the batch while it is from the batch's current flush interval.
   */
  usageNote: object | null;
}

/** Reads one credential by hash; returns it only when it is currently usable. Synchronous where the store can be (SQLite). */
export type CredentialLookup = (hash: string, now: number) => MaybePromise<VerifiedCredential | null>;

/** The same for many hashes in one query: the usable credentials among them, by hash (a hash absent from the map has none). */
export type CredentialBatchLookup = (hashes: readonly string[], now: number) => MaybePromise<Map<string, VerifiedCredential>>;

/** How long refreshes due wait for others to share their query. Entries due have a tenth of the TTL left. */
const REFRESH_BATCH_MS = 50;

export class CredentialVerifier {
  private readonly cache: CredentialCache<VerifiedCredential | null>;
  private readonly inFlight = new Map<string, Promise<VerifiedCredential | null>>();
  private readonly isTrusted: () => boolean;
  /** Per batch lookup, the hashes waiting for its next query; `refreshing` holds those and the queries' under way. */
  private readonly due = new Map<CredentialBatchLookup, Set<string>>();
  private readonly refreshing = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly batchLookups: Partial<Record<CredentialKind, CredentialBatchLookup>>;

  constructor(
    private readonly lookups: Partial<Record<CredentialKind, CredentialLookup>>,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    options: {
      cacheSize: number;
      cacheTtlMs: number;
      isTrusted?: () => boolean;
      /** Kinds whose refreshes share one query per `REFRESH_BATCH_MS`; the others refresh one by one. */
      batchLookups?: Partial<Record<CredentialKind, CredentialBatchLookup>>;
    },
  ) {
    this.isTrusted = options.isTrusted ?? (() => true);
    this.batchLookups = options.batchLookups ?? {};
    this.cache = new CredentialCache(options.cacheSize, options.cacheTtlMs);
  }

  /**
   * The principal of `presented`, or null. A cache hit answers synchronously, with no promise:
   * that is every /v1 request but the first of each credential; on SQLite a miss does too. Only a credential that passed
   * the shape and checksum check is ever looked up, so only such a credential is ever cached,
   * and a hit needs no re-parse; its kind is still checked against the kinds this surface accepts.
   */
  verify(presented: string | undefined, accepted: readonly CredentialKind[]): MaybePromise<VerifiedCredential | null> {
    if (presented === undefined || presented.length > LONGEST_CREDENTIAL) return null;
    if (!this.isTrusted()) {
      this.metrics.cacheBypass.inc();
      return this.lookUpUncached(presented, accepted);
    }
    const hash = hashCredential(presented);
    const now = this.clock.now();
    const entry = this.cache.get(hash, now);
    // A cached credential that has just expired is asked about once more, so the store can
    // notice a rotated-out token still in use; the answer is then cached as negative.
    if (entry !== undefined && (entry.value === null || usableAt(entry.value, now) !== null)) {
      this.metrics.cacheHit.inc();
      // Due for refresh: this request is answered from the entry; the store is asked beside it.
      if (now >= entry.refreshAt && !this.inFlight.has(hash) && !this.refreshing.has(hash)) this.refresh(presented, hash, accepted, now);
      const cached = entry.value;
      return cached !== null && accepted.includes(cached.kind) ? cached : null;
    }
    const lookup = this.lookupFor(presented, accepted);
    if (lookup === undefined) return null;
    this.metrics.cacheMiss.inc();
    const found = this.inFlight.get(hash) ?? this.lookUpAndCache(hash, lookup, now);
    return whenReady(found, (value) => usableAt(value, this.clock.now()));
  }

  /**
   * Asks the store and caches the answer unless an invalidation came in the meantime. An
   * asynchronous lookup is shared, through `inFlight`, by every request for the hash until it
   * settles; a failed one caches nothing.
   */
  private lookUpAndCache(hash: string, lookup: CredentialLookup, now: number): MaybePromise<VerifiedCredential | null> {
    const generation = this.cache.generation;
    const found = lookup(hash, now);
    if (!(found instanceof Promise)) {
      this.cache.setIfCurrent(hash, found, generation, now);
      return found;
    }
    const created = found.then((value) => {
      this.cache.setIfCurrent(hash, value, generation, this.clock.now());
      return value;
    });
    this.inFlight.set(hash, created);
    const forget = () => {
      if (this.inFlight.get(hash) === created) this.inFlight.delete(hash);
    };
    created.then(forget, forget);
    return created;
  }

  /**
   * Refreshes an entry still in use before it expires; meanwhile the entry answers. A kind with
   * a batch lookup joins the refreshes due in the next `REFRESH_BATCH_MS`, one query for all.
   */
  private refresh(presented: string, hash: string, accepted: readonly CredentialKind[], now: number): void {
    const kind = acceptedKind(presented, accepted);
    if (kind === undefined) return;
    const batchLookup = this.batchLookups[kind];
    if (batchLookup !== undefined) {
      let hashes = this.due.get(batchLookup);
      if (hashes === undefined) {
        hashes = new Set();
        this.due.set(batchLookup, hashes);
      }
      hashes.add(hash);
      this.refreshing.add(hash);
      this.refreshTimer ??= setTimeout(() => this.refreshDue(), REFRESH_BATCH_MS).unref();
      return;
    }
    const lookup = this.lookups[kind];
    if (lookup === undefined) return;
    this.metrics.cacheRefresh.inc();
    const found = this.lookUpAndCache(hash, lookup, now);
    // A failed refresh leaves the entry to expire; the next miss asks the store again.
    if (found instanceof Promise) found.catch(() => {});
  }

  /** One query per batch lookup for every refresh due; its answers are stored only if no invalidation came meanwhile. */
  private refreshDue(): void {
    this.refreshTimer = undefined;
    for (const [lookup, hashes] of this.due) {
      this.metrics.cacheRefresh.inc(hashes.size);
      const generation = this.cache.generation;
      const done = () => {
        for (const hash of hashes) this.refreshing.delete(hash);
      };
      try {
        const found = lookup([...hashes], this.clock.now());
        const apply = (credentials: Map<string, VerifiedCredential>) => {
          const now = this.clock.now();
          for (const hash of hashes) this.cache.setIfCurrent(hash, credentials.get(hash) ?? null, generation, now);
          done();
        };
        // A failed refresh leaves its entries to expire; the next miss asks the store again.
        if (found instanceof Promise) found.then(apply, done);
        else apply(found);
      } catch {
        done();
      }
    }
    this.due.clear();
  }

  /** Applies invalidations: the next request with any of these credentials goes to the store. */
  invalidate(hashes: readonly string[]): void {
    this.cache.invalidate(hashes);
    for (const hash of hashes) this.inFlight.delete(hash);
    this.metrics.invalidationsApplied.inc({}, hashes.length);
  }

  /** Drops every cached answer, for when invalidations may have been missed. */
  invalidateAll(): void {
    this.cache.clear();
    this.inFlight.clear();
  }

  /** While invalidations may have been missed: the store answers, and nothing is cached or shared. */
  private lookUpUncached(presented: string, accepted: readonly CredentialKind[]): MaybePromise<VerifiedCredential | null> {
    const lookup = this.lookupFor(presented, accepted);
    if (lookup === undefined) return null;
    return whenReady(lookup(hashCredential(presented), this.clock.now()), (found) => usableAt(found, this.clock.now()));
  }

  /** The store lookup for a well-formed credential (shape and checksum) of an accepted kind; none for anything else. */
  private lookupFor(presented: string, accepted: readonly CredentialKind[]): CredentialLookup | undefined {
    const kind = acceptedKind(presented, accepted);
    return kind === undefined ? undefined : this.lookups[kind];
  }
}

/** The kind of a well-formed credential (shape and checksum) that this surface accepts; undefined for anything else. */
function acceptedKind(presented: string, accepted: readonly CredentialKind[]): CredentialKind | undefined {
  const parsed = parseCredential(presented);
  return parsed !== null && accepted.includes(parsed.kind) ? parsed.kind : undefined;
}

function usableAt(credential: VerifiedCredential | null, now: number): VerifiedCredential | null {
  if (credential === null) return null;
  return credential.expiresAt !== null && credential.expiresAt <= now ? null : credential;
}
