/**
 * The revocation feed: the subscribers of GET /api/v1/credentials/revocations (operators'
 * middleware caching verification answers), told which of their account's credentials a
 * change may have made invalid.
 *
 * Invariants:
 * - A subscriber hears only of credentials of its own account: each hash is matched to its
 *   owner in the store before anything is sent.
 * - A local change awaits `publish` before answering (commit-credential-change.ts), and
 *   `publish` resolves once every matching subscriber on this instance has acknowledged the
 *   event (POST /api/v1/credentials/revocations/ack, sent after it evicted the hashes), or
 *   after ACK_TIMEOUT_MS. Being written first is not enough: two connections are read in no
 *   fixed order, so the client could see the revocation's answer, and send the next request,
 *   before its middleware had read the event. The acknowledgement closes that gap.
 * - When news may have been lost (the owners could not be read, or the instance's own
 *   invalidation listener missed some), subscribers get `reset` and must drop every cached
 *   answer; they get nothing at all about a hash no credential has.
 * - Bounded: at most MAX_PER_ACCOUNT subscribers per account and MAX_TOTAL in all; a wait for
 *   acknowledgements never exceeds ACK_TIMEOUT_MS.
 */
import type { Logger } from 'pino';

export interface FeedSubscriber {
  /** Unguessable: it names the subscription in acknowledgements. */
  id: string;
  accountId: string;
  revoked(hashes: readonly string[], seq: number): void;
  reset(): void;
  /** Ends the subscription's stream (shutdown): the client reconnects, maybe to another instance. */
  end(): void;
}

export type OwnersOf = (hashes: readonly string[]) => Promise<Map<string, string>>;

export const MAX_PER_ACCOUNT = 20;
export const MAX_TOTAL = 2000;
export const ACK_TIMEOUT_MS = 1000;

export class RevocationFeed {
  private readonly subscribers = new Map<string, FeedSubscriber>();
  /** `${subscription id}:${seq}` → resolves the wait for that acknowledgement. */
  private readonly pendingAcks = new Map<string, () => void>();
  private seq = 0;
  private closed = false;

  constructor(
    private readonly ownersOf: OwnersOf,
    private readonly logger: Logger,
  ) {}

  /** Adds `subscriber`; answers its unsubscribe, or null when a bound is reached or the server is closing. */
  subscribe(subscriber: FeedSubscriber): (() => void) | null {
    if (this.closed || this.subscribers.size >= MAX_TOTAL) return null;
    let sameAccount = 0;
    for (const other of this.subscribers.values()) if (other.accountId === subscriber.accountId) sameAccount++;
    if (sameAccount >= MAX_PER_ACCOUNT) return null;
    this.subscribers.set(subscriber.id, subscriber);
    return () => {
      this.subscribers.delete(subscriber.id);
      // A subscriber that is gone acknowledges nothing more: stop waiting for it.
      for (const [key, resolve] of this.pendingAcks) if (key.startsWith(`${subscriber.id}:`)) resolve();
    };
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
    const acks: Promise<void>[] = [];
    for (const subscriber of this.subscribers.values()) {
      const mine = byAccount.get(subscriber.accountId);
      if (mine === undefined) continue;
      const seq = ++this.seq;
      acks.push(this.acknowledgement(`${subscriber.id}:${seq}`));
      subscriber.revoked(mine, seq);
    }
    await Promise.all(acks);
  }

  /** Records an acknowledgement; false when nothing of this account's waits for it. */
  acknowledge(accountId: string, subscriptionId: string, seq: number): boolean {
    const subscriber = this.subscribers.get(subscriptionId);
    const key = `${subscriptionId}:${seq}`;
    const resolve = this.pendingAcks.get(key);
    if (subscriber === undefined || subscriber.accountId !== accountId || resolve === undefined) return false;
    resolve();
    return true;
  }

  /** Every subscriber drops its cache: this instance may have missed news. */
  resetAll(): void {
    for (const subscriber of this.subscribers.values()) subscriber.reset();
  }

  /** Refuses new subscribers and ends every stream, so shutdown does not wait on them. */
  close(): void {
    this.closed = true;
    for (const subscriber of this.subscribers.values()) subscriber.end();
    this.subscribers.clear();
    for (const resolve of this.pendingAcks.values()) resolve();
  }

  private acknowledgement(key: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ACK_TIMEOUT_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.pendingAcks.set(key, () => {
        this.pendingAcks.delete(key);
        done();
      });
      timer.unref();
    }).finally(() => this.pendingAcks.delete(key));
  }
}
