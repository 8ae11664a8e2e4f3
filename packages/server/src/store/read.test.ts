import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashCredential } from '@skytells/credentials';
import { apiKeyLookup } from '../keys/index.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

describe("the verify path's reads (store.read)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('see committed rows only: a revocation in progress is not seen, and is seen as soon as it commits', async () => {
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
});
