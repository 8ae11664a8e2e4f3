import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashCredential } from '@skytells/credentials';
import { apiKeyBatchLookup, apiKeyLookup } from '../keys/index.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { LAST_USED_RESOLUTION_MS, type LastUse, lastUseRewrites } from './write-jobs.js';

describe("the store's connections: the writer thread, the verify path's read-only one and the main one", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('a transaction that reads, then writes, is not broken by the writer committing in between', async () => {
    const owner = t.client();
    await owner.signup();
    const { id } = await owner.createKey('read then write');
    const { db, writer } = t.server.ctx.store;
    await writer.apply({ op: 'prune_ledger', before: 0 }); // the thread is up
    let job: Promise<number> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('api_keys').select('name').where('id', '=', id).executeTakeFirstOrThrow();
      // The writer thread writes the same table meanwhile, on its own connection.
      job = writer.apply({ op: 'last_used', table: 'api_keys', ids: [id], at: [Date.UTC(2030, 0, 1)], ips: ['192.0.2.1'], userAgents: ['w'] });
      // Were the transaction deferred, the writer would commit now, and the update below fail.
      await Promise.race([job, sleep(500)]);
      await trx.updateTable('api_keys').set({ name: 'renamed' }).where('id', '=', id).execute();
    });
    assert.equal(await job, 1, "the writer's job is applied too, after the transaction");
    const row = await db.selectFrom('api_keys').select(['name', 'last_used_ip']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { name: 'renamed', last_used_ip: '192.0.2.1' });
  });

  test("the last-used batch's in-memory rule is the store's: a row changes exactly when lastUseRewrites says so", async () => {
    const owner = t.client();
    await owner.signup();
    const { writer } = t.server.ctx.store;
    const stored: LastUse = { at: Date.UTC(2030, 0, 1), ip: '192.0.2.1', userAgent: 'client/1.0' };
    const uses: LastUse[] = [
      stored,
      { ...stored, at: stored.at - 1 },
      { ...stored, at: stored.at + 1 },
      { ...stored, at: stored.at + LAST_USED_RESOLUTION_MS - 1 },
      { ...stored, at: stored.at + LAST_USED_RESOLUTION_MS },
      { ...stored, at: stored.at + 1, ip: '192.0.2.2' },
      { ...stored, at: stored.at + 1, userAgent: null },
      { ...stored, at: stored.at - 1, ip: '192.0.2.2' },
      { ...stored, ip: null },
    ];
    for (const use of uses) {
      const { id } = await owner.createKey();
      const apply = (u: LastUse) =>
        writer.apply({ op: 'last_used', table: 'api_keys', ids: [id], at: [u.at], ips: [u.ip], userAgents: [u.userAgent] });
      assert.equal(await apply(stored), 1);
      assert.equal(await apply(use), lastUseRewrites(stored, use) ? 1 : 0, JSON.stringify(use));
    }
  });

  test('the writer thread runs below the request thread in CPU priority (Linux)', { skip: process.platform !== 'linux' }, async () => {
    await t.server.ctx.store.writer.apply({ op: 'prune_ledger', before: 0 }); // the thread is up
    // /proc/<pid>/task/<tid>/stat: the 19th field is the thread's nice value (16th after the name).
    const nice = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]);
    const requestThread = nice(String(process.pid));
    assert.ok(requestThread < 10, 'this test needs a process running below nice 10');
    const lowered = readdirSync('/proc/self/task').filter((task) => nice(task) === 10);
    assert.equal(lowered.length, 1, 'one thread, the writer, at nice 10');
    assert.equal(nice(String(process.pid)), requestThread, 'the request thread keeps its priority');
  });

  test('a verify-path read (store.read) sees committed rows only: a revocation in progress is not seen, and is seen as soon as it commits', async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey('read');
    const store = t.server.ctx.store;
    const lookup = apiKeyLookup(store);
    const hash = hashCredential(key);
    const now = Date.now();
    const first = lookup(hash, now);
    assert.equal(first instanceof Promise, store.dialect === 'postgres', 'synchronous on a SQLite file, a promise on PostgreSQL');
    assert.equal((await first)?.credentialId, id);
    await store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('api_keys')
        .set({ revoked_at: now - 1 })
        .where('id', '=', id)
        .execute();
      // On SQLite the read-only connection reads the last committed snapshot; it does not
      // wait for (or see into) the transaction open on the main connection.
      assert.equal((await lookup(hash, now))?.credentialId, id, 'uncommitted: the key is still usable');
    });
    assert.equal(await lookup(hash, now), null, 'committed: refused by the very next read');
  });

  test('the batched verify-path read answers the usable keys among many hashes, in one statement', async () => {
    const owner = t.client();
    await owner.signup();
    const [live, revoked] = [await owner.createKey('live'), await owner.createKey('revoked')];
    assert.equal((await owner.delete(`/api/v1/keys/${revoked.id}`)).status, 200);
    const store = t.server.ctx.store;
    const statements: string[] = [];
    const stop = store.onStatement((_kind, sql) => statements.push(sql));
    const found = await apiKeyBatchLookup(store)([hashCredential(live.key), hashCredential(revoked.key), hashCredential(`${live.key}x`)], Date.now());
    stop();
    assert.deepEqual([...found.keys()], [hashCredential(live.key)]);
    assert.equal(found.get(hashCredential(live.key))?.credentialId, live.id);
    assert.equal(statements.filter((sql) => sql.includes('api_keys')).length, 1, 'one statement');
  });
});
