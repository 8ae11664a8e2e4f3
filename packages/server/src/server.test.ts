/**
 * Start-up that fails after it has opened the store (and, on PostgreSQL, the invalidation
 * listener) closes them again. Counted where the resources live: the file descriptors this
 * process holds on the SQLite file, or PostgreSQL's `pg_stat_activity` for the database.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './test-support/database.js';
import { startTestServer } from './test-support/server.js';

/** Descriptors this process holds on `file` or its -wal and -shm companions. */
function descriptorsOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
    } catch {
      return false; // the directory listing's own descriptor, closed by now
    }
  }).length;
}

/** Connections to `url`'s database other than the one asking. */
async function connectionsTo(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe('start-up that fails half-way', () => {
  let db: TestDatabase;
  let blocker: Server;
  before(async () => {
    db = await createTestDatabase();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    blocker?.close();
    await db?.drop();
  });

  test('a port already in use: the store and the listener it opened are closed again', async () => {
    const { port } = blocker.address() as { port: number };
    await assert.rejects(startTestServer({ PORT: String(port) }, { db }), /EADDRINUSE/);
    if (db.file !== undefined) {
      assert.equal(descriptorsOn(db.file), 0, 'descriptors still open on the SQLite file');
      return;
    }
    const url = db.url ?? '';
    // A backend leaves pg_stat_activity a moment after its client hangs up: allow it 5 s.
    for (let i = 0; i < 100 && (await connectionsTo(url)) > 0; i++) await sleep(50);
    assert.equal(await connectionsTo(url), 0, 'connections still open to the database (pool or listener)');
  });
});
