import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../test-support/client.js';
import { createTestDatabase, everythingStored, type TestDatabase } from '../test-support/database.js';
import { spawnServer } from '../test-support/server.js';

describe('durability', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  test('SIGKILL right after a burst loses no account, key, revocation, prediction or audit record that was acknowledged', async () => {
    const first = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '5000' });
    const browser = new TestClient(first.url);
    const { email, password } = await browser.signup();
    const keys = await Promise.all(Array.from({ length: 10 }, (_, i) => browser.createKey(`burst ${i}`)));
    const predictions = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new TestClient(first.url).post(
          '/v1/predictions',
          { model: 'sandbox-text', input: { prompt: `burst ${i}` } },
          { headers: { 'x-api-key': keys[9]!.key } },
        ),
      ),
    );
    for (const p of predictions) assert.equal(p.status, 201);
    const revoked = keys.slice(0, 4);
    await Promise.all(revoked.map((k) => browser.delete(`/api/v1/keys/${k.id}`)));
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await spawnServer({ ...db.env });
    try {
      const again = new TestClient(second.url);
      assert.equal((await again.post('/api/v1/auth/signin', { email, password })).status, 200);
      const list = await again.get('/api/v1/keys?per_page=100');
      assert.equal(list.body.pagination.total, 10);
      const status = new Map(list.body.data.map((k: { id: string; status: string }) => [k.id, k.status]));
      for (const k of keys) assert.equal(status.get(k.id), revoked.includes(k) ? 'revoked' : 'active');
      for (const k of keys) {
        const response = await again.get('/v1/models', { headers: { 'x-api-key': k.key } });
        assert.equal(response.status, revoked.includes(k) ? 401 : 200);
      }
      const stored = await again.get('/v1/predictions?per_page=100', { headers: { 'x-api-key': keys[9]!.key } });
      assert.deepEqual(new Set(stored.body.data.map((p: { id: string }) => p.id)), new Set(predictions.map((p) => p.body.id)));
      const audit = await again.get('/api/v1/audit?per_page=100');
      const count = (type: string) => audit.body.data.filter((e: { type: string }) => e.type === type).length;
      assert.equal(count('key.created'), 10);
      assert.equal(count('key.revoked'), 4);
      assert.equal(count('auth.signin'), 1, 'the sign-in after the restart');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  test('SIGTERM drains and flushes the last-used batch before exiting', async () => {
    const server = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '5000' });
    const browser = new TestClient(server.url);
    await browser.signup();
    const { id, key } = await browser.createKey('flushed on exit');
    const app = new TestClient(server.url);
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key, 'user-agent': 'durability-test' } })).status, 200);
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });

    const next = await spawnServer({ ...db.env });
    try {
      const session = new TestClient(next.url);
      session.cookie = browser.cookie;
      const stored = await session.get(`/api/v1/keys/${id}`);
      assert.ok(stored.body.last_used_at, 'last use written at shutdown');
      assert.equal(stored.body.last_used_user_agent, 'durability-test');
    } finally {
      next.child.kill('SIGTERM');
      await next.exited;
    }
  });

  test('the database holds neither a key nor its body, only hashes and masks', async () => {
    const server = await spawnServer({ ...db.env, BATCH_FLUSH_INTERVAL_MS: '100' });
    try {
      const browser = new TestClient(server.url);
      await browser.signup();
      const created = await browser.createKey('secret stays out');
      await new TestClient(server.url).get('/v1/models', { headers: { 'x-api-key': created.key } });
      await browser.delete(`/api/v1/keys/${created.id}`);
      const stored = await everythingStored(db);
      assert.ok(stored.length > 0);
      assert.ok(!stored.includes(created.key));
      assert.ok(!stored.includes(created.key.slice(3)));
      assert.ok(!stored.includes(created.key.slice(3, 29)), 'not even the random part');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
