/**
 * The revocation feed: the subscribers of GET /api/v1/credentials/revocations (operators'
 * middleware caching verification answers), told which of their account's credentials a
 * change may have made invalid.
 *
 * Invariants:
 * - A subscriber hears only of credentials of its own account: each hash is matched to its
 *   owner in the store before anything is sent.
 * - `publish` resolves after every matching subscriber's event is written, and a local change
 *   awaits it before answering (commit-credential-change.ts): a client that has seen the
 *   revocation's answer can count on the middleware having been sent the news.
 * - When news may have been lost (the owners could not be read, or the instance's own
 *   invalidation listener missed some), subscribers get `reset` and must drop every cached
 *   answer; they get nothing at all about a hash no credential has.
 * - Bounded: at most MAX_PER_ACCOUNT subscribers per account and MAX_TOTAL in all.
 */
import type { Logger } from 'pino';

export interface FeedSubscriber {
  accountId: string;
  revoked(hashes: readonly string[]): void;
  reset(): void;
  /** Ends the subscription's stream (shutdown): the client reconnects, maybe to another instance. */
  end(): void;
}

export type OwnersOf = (hashes: readonly string[]) => Promise<Map<string, string>>;

export const MAX_PER_ACCOUNT = 20;
export const MAX_TOTAL = 2000;

export class RevocationFeed {
  private readonly subscribers = new Set<FeedSubscriber>();
  private closed = false;

  constructor(
    private readonly ownersOf: OwnersOf,
    private readonly logger: Logger,
  ) {}

  /** Adds `subscriber`; answers its unsubscribe, or null when a bound is reached or the server is closing. */
  subscribe(subscriber: FeedSubscriber): (() => void) | null {
    if (this.closed || this.subscribers.size >= MAX_TOTAL) return null;
    let sameAccount = 0;
    for (const other of this.subscribers) if (other.accountId === subscriber.accountId) sameAccount++;
    if (sameAccount >= MAX_PER_ACCOUNT) return null;
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  async publish(hashes: readonly string[]): Promise<void> {
    if (this.subscribers.size === 0 || hashes.length === 0) return;
    let owners: Map<string, string>;
    try {
      owners = await this.ownersOf(hashes);
    } catch (error) {
      this.logger.warn({ err: error }, 'revocation feed: owners unreadable, subscribers told to reset');
      this.resetAll();
      return;
    }
    const byAccount = new Map<string, string[]>();
    for (const [hash, accountId] of owners) byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), hash]);
    for (const subscriber of this.subscribers) {
      const mine = byAccount.get(subscriber.accountId);
      if (mine !== undefined) subscriber.revoked(mine);
    }
  }

  /** Every subscriber drops its cache: this instance may have missed news. */
  resetAll(): void {
    for (const subscriber of this.subscribers) subscriber.reset();
  }

  /** Refuses new subscribers and ends every stream, so shutdown does not wait on them. */
  close(): void {
    this.closed = true;
    for (const subscriber of this.subscribers) subscriber.end();
    this.subscribers.clear();
  }
}
