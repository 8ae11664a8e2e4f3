import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { countKeys, listKeys } from './repository.js';

/**
 * Listing page 1 stays fast with 100,000 keys in one account, proven by the query plan
 * rather than a timer: no full scan of api_keys, and no sort step.
 */
describe('listing keys with 100,000 keys in one account', () => {
  let t: TestServer;
  let accountId: string;
  let owner: TestClient;
  before(async () => {
    t = await startTestServer();
    owner = t.client();
    accountId = (await owner.signup()).account.id;
    const other = t.client();
    const otherId = (await other.signup()).account.id;
    const { db } = t.server.ctx.store;
    const now = Date.now();
    for (const [holder, count] of [
      [accountId, 100_000],
      [otherId, 5_000],
    ] as const) {
      for (let start = 0; start < count; start += 2_000) {
        const rows = Array.from({ length: Math.min(2_000, count - start) }, (_, j) => {
          const n = start + j;
          return {
            id: `key_${holder.slice(-6)}${String(n).padStart(8, '0')}`,
            account_id: holder,
            name: `bulk ${n}`,
            key_hash: createHash('sha256').update(`${holder}-${n}`).digest('hex'),
            masked_key: 'sk-AAAA…AAAA',
            created_at: now - n,
            revoked_at: null,
            last_used_at: null,
            last_used_ip: null,
            last_used_user_agent: null,
          };
        });
        // 10 columns a row keeps each statement under PostgreSQL's 65,535 parameters.
        for (let k = 0; k < rows.length; k += 500)
          await db
            .insertInto('api_keys')
            .values(rows.slice(k, k + 500))
            .execute();
      }
    }
    await db.updateTable('accounts').set({ api_key_count: 100_000 }).where('id', '=', accountId).execute();
    await sql`analyze`.execute(db);
  });
  after(() => t.stop());

  test('page 1 is served by the account index (no scan of api_keys, no sort), and the total by a counter', async () => {
    const { db, dialect } = t.server.ctx.store;
    const statements: string[] = [];
    const stop = t.server.ctx.store.onStatement((_kind, text) => statements.push(text));
    const page = await listKeys(db, accountId, 20, 0);
    const total = await countKeys(db, accountId);
    stop();
    assert.equal(statements.length, 2);
    assert.doesNotMatch(statements[1]!, /api_keys/, "the total is the account's counter, not a count over its keys");
    // The plan of the very statement listKeys ran, with this account's id bound.
    const compiled = db
      .selectFrom('api_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(20)
      .offset(0)
      .compile();
    assert.equal(compiled.sql, statements[0]);
    if (dialect === 'sqlite') {
      const rows = (await db.executeQuery({ ...compiled, sql: `explain query plan ${compiled.sql}`, query: compiled.query })).rows as Array<{
        detail: string;
      }>;
      const details = rows.map((r) => r.detail).join('\n');
      assert.doesNotMatch(details, /SCAN api_keys/, details);
      assert.doesNotMatch(details, /USE TEMP B-TREE/, details);
      assert.match(details, /api_keys_account_created/, details);
    } else {
      const rows = (await db.executeQuery({ ...compiled, sql: `explain ${compiled.sql}`, query: compiled.query })).rows as Array<{
        'QUERY PLAN': string;
      }>;
      const details = rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.doesNotMatch(details, /Seq Scan on api_keys/, details);
      assert.doesNotMatch(details, /Sort/, details);
      assert.match(details, /api_keys_account_created/, details);
    }
    assert.equal(page.length, 20);
    assert.equal(page[0]!.name, 'bulk 0', 'newest first');
    assert.equal(total, 100_000);
  });

  test('the API answers page 1, newest first, with the right total', async () => {
    const page = await owner.get('/api/v1/keys');
    assert.equal(page.status, 200);
    assert.equal(page.body.data.length, 20);
    assert.equal(page.body.data[0].name, 'bulk 0');
    assert.deepEqual(page.body.pagination, { current_page: 1, per_page: 20, total: 100_000, last_page: 5_000 });
  });
});
