/**
 * How a change that can turn a valid credential invalid reaches every instance's cache.
 *
 * `publish` runs inside the transaction of the change, so the news commits with it (or not
 * at all). `trusted` is false while an instance may have missed news: its verifier then
 * bypasses the cache and asks the database, until the bus has caught up again.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

export interface InvalidationBus {
  publish(trx: Transaction<Database>, hashes: readonly string[]): Promise<void>;
  readonly trusted: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One process on SQLite: the local eviction after commit is all the news there is. */
export class LocalInvalidationBus implements InvalidationBus {
  readonly trusted = true;
  async publish(): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
