/**
 * Several instances on one PostgreSQL database. These tests need PostgreSQL's LISTEN/NOTIFY
 * and are skipped on the SQLite run (one process owns a SQLite file).
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { TestClient } from '../test-support/client.js';
import { createTestDatabase, TEST_DATABASE_URL, TEST_DB, type TestDatabase } from '../test-support/database.js';
import { type ServerProcess, spawnServer, startTestServer, type TestServer } from '../test-support/server.js';
import type { PostgresInvalidationBus } from './postgres-invalidation-bus.js';

const skip = TEST_DB !== 'postgres' && 'needs PostgreSQL (several instances share one database)';

/** Polls `probe` until it returns true; fails after `guardMs` so a bug cannot hang the suite. */
async function eventually(probe: () => Promise<boolean>, what: string, guardMs = 5000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

const metricValue = (text: string, series: string): number =>
  Number(
    text
      .split('\n')
      .find((line) => line.startsWith(`${series} `))
      ?.slice(series.length + 1) ?? 0,
  );

describe('several instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    if (skip) return;
    db = await createTestDatabase();
    // A 60 s cache TTL: the TTL cannot be what makes these tests pass.
    const env = { VERIFY_CACHE_TTL_SECONDS: '60', LISTENER_RECONNECT_MS: '1500', LISTENER_HEARTBEAT_MS: '500' };
    a = await startTestServer(env, { db });
    b = await startTestServer(env, { db });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  const listenerOf = (t: TestServer) => t.server.ctx.invalidations as PostgresInvalidationBus;
  const ready = async (t: TestServer) => (await t.client().get('/readyz')).status === 200;

  async function keyServedFromCacheOf(t: TestServer) {
    const owner = new TestClient(a.url);
    await owner.signup();
    const key = await owner.createKey();
    const app = t.client();
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key.key } })).status, 200);
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key.key } })).status, 200);
    return { owner, key, app };
  }

  test('listener loss: the instance never accepts a key revoked while its listener was down', { skip }, async () => {
    const { owner, key, app } = await keyServedFromCacheOf(b);
    await terminateBackend(listenerOf(b).listenerPid!);
    await eventually(async () => !(await ready(b)), "B's /readyz reports the listener down");
    const notReady = await b.client().get('/readyz');
    assert.equal(notReady.status, 503);
    assert.equal(notReady.body.error.checks.invalidation_listener, 'failing');

    assert.equal((await owner.delete(`/api/v1/keys/${key.id}`)).status, 200, 'revoked through A');
    let reconnected = false;
    let probesAfterReady = 0;
    await eventually(async () => {
      const response = await app.get('/v1/models', { headers: { 'x-api-key': key.key } });
      assert.equal(response.status, 401, `B accepted a revoked key (${reconnected ? 'after' : 'before'} reconnecting)`);
      reconnected ||= await ready(b);
      if (reconnected) probesAfterReady++;
      return probesAfterReady >= 20;
    }, 'B reconnects and keeps refusing');
  });

  test('missed notifications: from the moment it is ready again, the instance refuses a key revoked while it was away', { skip }, async () => {
    const { owner, key, app } = await keyServedFromCacheOf(b);
    await terminateBackend(listenerOf(b).listenerPid!);
    await eventually(async () => !(await ready(b)), 'listener down');
    assert.equal((await owner.delete(`/api/v1/keys/${key.id}`)).status, 200);
    // No request reaches B while it is away: its cache still holds the key as valid, and only
    // catching up on the missed invalidation can remove it.
    await eventually(() => ready(b), 'B ready again');
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key.key } })).status, 401);
  });

  test('sign-in throttling counts failures from every instance together', { skip }, async () => {
    const { email, password } = await new TestClient(a.url).signup();
    for (let i = 0; i < 10; i++) {
      const instance = i % 2 === 0 ? a : b;
      const response = await instance.client().post('/api/v1/auth/signin', { email, password: 'wrong password, again' });
      assert.equal(response.status, 401);
    }
    assert.equal((await a.client().post('/api/v1/auth/signin', { email, password })).status, 429);
    assert.equal((await b.client().post('/api/v1/auth/signin', { email, password })).status, 429);
  });

  test('last-used batches from several instances never move last_used_at backwards', { skip }, async () => {
    const owner = new TestClient(a.url);
    await owner.signup();
    const { id } = await owner.createKey();
    a.server.ctx.lastUsed.record('api_keys', id, { at: Date.UTC(2031, 0, 2), ip: '192.0.2.2', userAgent: 'via A, newer' });
    b.server.ctx.lastUsed.record('api_keys', id, { at: Date.UTC(2031, 0, 1), ip: '192.0.2.1', userAgent: 'via B, older' });
    await a.server.flushBatches();
    await b.server.flushBatches();
    await b.server.flushBatches();
    const stored = (await owner.get(`/api/v1/keys/${id}`)).body;
    assert.equal(stored.last_used_at, new Date(Date.UTC(2031, 0, 2)).toISOString());
    assert.equal(stored.last_used_user_agent, 'via A, newer');
  });
});

describe('revocation propagates between two server processes', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  before(async () => {
    if (skip) return;
    db = await createTestDatabase();
    const env = { ...db.env, VERIFY_CACHE_TTL_SECONDS: '60', LOG_LEVEL: 'info' };
    a = await spawnServer(env);
    b = await spawnServer(env);
  });
  after(async () => {
    for (const server of [a, b]) {
      server?.child.kill('SIGTERM');
      await server?.exited;
    }
    await db?.drop();
  });

  test("50 trials: a key served from B's cache is refused by B once A has revoked it", { skip }, async () => {
    const owner = new TestClient(a.url);
    await owner.signup();
    const app = new TestClient(b.url);
    const metricsOfB = async () => (await new TestClient(b.url).get('/metrics')).text;
    for (let trial = 0; trial < 50; trial++) {
      const { id, key } = await owner.createKey(`trial ${trial}`);
      // The creation's own invalidation may reach B after B first cached the key (evicting
      // it, harmlessly): ask until B answers from its cache.
      let before = '';
      await eventually(async () => {
        const hits = metricValue(await metricsOfB(), 'verify_cache_lookups_total{result="hit"}');
        assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
        before = await metricsOfB();
        return metricValue(before, 'verify_cache_lookups_total{result="hit"}') === hits + 1;
      }, `trial ${trial}: B serves the key from its cache`);
      const invalidationsBefore = metricValue(before, 'cache_invalidations_applied_total');

      assert.equal((await owner.delete(`/api/v1/keys/${id}`)).status, 200);
      await eventually(
        async () => (await app.get('/v1/models', { headers: { 'x-api-key': key } })).status === 401,
        `trial ${trial}: B refuses the revoked key`,
      );
      const afterRevoke = await metricsOfB();
      assert.ok(metricValue(afterRevoke, 'cache_invalidations_applied_total') > invalidationsBefore, 'B applied an invalidation');
    }
  });
});
