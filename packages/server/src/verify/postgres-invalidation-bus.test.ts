/**
 * The PostgreSQL invalidation listener's own connection bookkeeping, counted where it
 * cannot lie: PostgreSQL's `pg_stat_activity` for this test's database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { parseDatabaseUrl } from '../store/database-url.js';
import { openStore, type Store } from '../store/store.js';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../test-support/database.js';
import { PostgresInvalidationBus } from './postgres-invalidation-bus.js';

const skip = TEST_DB !== 'postgres' && 'needs PostgreSQL (the listener is a LISTEN connection)';

/** Polls `probe` every 20 ms for up to 10 s, then asserts it. */
async function settles(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500 && !(await probe()); i++) await sleep(20);
  assert.ok(await probe(), `timed out waiting for: ${what}`);
}

describe('PostgreSQL invalidation listener', () => {
  let db: TestDatabase;
  let store: Store;
  let admin: pg.Client;
  before(async () => {
    if (skip) return;
    db = await createTestDatabase();
    store = await openStore(parseDatabaseUrl(db.env.DATABASE_URL ?? '', undefined));
    await store.migrateToLatest();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.end();
    await store?.close();
    await db?.drop();
  });

  const listenerConnections = async (): Promise<number> => {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'skytells-invalidations-%'`,
    );
    return rows[0]?.n ?? 0;
  };

  test('reconnects whose catch-up fails leave no connection behind', { skip }, async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const bus = new PostgresInvalidationBus({
      db: store.db,
      connectionString: db.url ?? '',
      schema: undefined,
      logger,
      apply: () => {},
      applyAll: () => {},
      reconnectDelayMs: 20,
      heartbeatMs: 5000,
    });
    await bus.start();
    try {
      assert.equal(await listenerConnections(), 1);
      // The catch-up after a reconnect reads the invalidation log: hide it, and every
      // reconnect gets as far as LISTEN, then fails.
      await sql`alter table credential_invalidations rename to credential_invalidations_hidden`.execute(store.db);
      await admin.query('select pg_terminate_backend($1)', [bus.listenerPid]);
      const failures = () => warnings.filter((msg) => msg.includes('reconnect failed')).length;
      await settles(async () => failures() >= 6, 'six failed reconnects');
      // At most the attempt under way right now holds a connection; the failed ones hold none.
      assert.ok((await listenerConnections()) <= 1, `${await listenerConnections()} listener connections after ${failures()} failed reconnects`);
      assert.equal(bus.trusted, false, 'no catch-up, no trust');

      await sql`alter table credential_invalidations_hidden rename to credential_invalidations`.execute(store.db);
      await settles(async () => bus.trusted, 'the listener is live again');
      await settles(async () => (await listenerConnections()) === 1, 'exactly one listener connection');
    } finally {
      await bus.stop();
    }
    await settles(async () => (await listenerConnections()) === 0, 'no listener connection after stop');
  });
});
