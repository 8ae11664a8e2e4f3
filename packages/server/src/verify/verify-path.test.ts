import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateApiKey } from '@skytells/credentials';
import { createApiKey } from '../keys/create-api-key.js';
import type { StatementKind } from '../store/store.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

type Statement = { kind: StatementKind; sql: string };

/** Records every statement the store runs while `work` runs. */
async function statementsDuring(t: TestServer, work: () => Promise<void>): Promise<Statement[]> {
  const seen: Statement[] = [];
  const stop = t.server.ctx.store.onStatement((kind, sql) => seen.push({ kind, sql }));
  try {
    await work();
  } finally {
    stop();
  }
  return seen;
}

/** Changes one character of the checksum tail: same shape, wrong checksum. */
const breakChecksum = (key: string) => key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');

describe('the verify path', () => {
  let t: TestServer;
  before(async () => {
    // A long flush interval and TTL, so that no timed flush or expiry falls inside a measured window.
    t = await startTestServer({ BATCH_FLUSH_INTERVAL_MS: '5000', VERIFY_CACHE_TTL_SECONDS: '600' });
  });
  after(() => t.stop());

  test('500 calls with one valid key: at most one lookup, no write, and the flush writes on its own connection', async () => {
    const owner = t.client();
    await owner.signup();
    const { key, id } = await owner.createKey();
    const app = t.client();
    const statements = await statementsDuring(t, async () => {
      for (let round = 0; round < 10; round++) {
        const responses = await Promise.all(Array.from({ length: 50 }, () => app.get('/v1/models', { headers: { 'x-api-key': key } })));
        for (const response of responses) assert.equal(response.status, 200);
      }
    });
    const lookups = statements.filter((s) => s.kind === 'read' && s.sql.includes('"api_keys"'));
    assert.ok(lookups.length <= 1, `expected at most one lookup, saw ${lookups.length}`);
    assert.deepEqual(statements, lookups, 'nothing but that lookup: no write on the verify path');

    // The writer thread writes the last use and the usage group; the main connection runs nothing.
    assert.deepEqual(await statementsDuring(t, () => t.server.flushBatches()), []);
    const groups = await t.server.ctx.store.db.selectFrom('usage_minutes').selectAll().where('credential_id', '=', id).execute();
    assert.ok(groups.length <= 2, 'the 500 requests are one group (two if a minute turned meanwhile)');
    assert.equal(
      groups.reduce((sum, g) => sum + Number(g.requests), 0),
      500,
    );
    const listed = await owner.get(`/api/v1/keys/${id}`);
    assert.ok(listed.body.last_used_at);
    assert.equal(listed.body.last_used_ip, '127.0.0.1');
  });

  test('no statement at all for missing, malformed or bad-checksum keys', async () => {
    const app = t.client();
    const presented = [
      undefined,
      '',
      'sk-',
      'not-a-key',
      `sk-${'A'.repeat(32)}`,
      breakChecksum(generateApiKey()),
      `${generateApiKey()}x`,
      `sk_pat_${'0'.repeat(64)}`,
      'x'.repeat(5000),
    ];
    const statements = await statementsDuring(t, async () => {
      for (let i = 0; i < 500; i++) {
        const key = presented[i % presented.length];
        const response = await app.get('/v1/models', key === undefined ? {} : { headers: { 'x-api-key': key } });
        assert.equal(response.status, 401);
      }
    });
    assert.deepEqual(statements, []);
  });

  test('missing, malformed, bad-checksum, unknown and revoked keys get identical 401 bodies', async () => {
    const owner = t.client();
    await owner.signup();
    const revoked = await owner.createKey();
    await owner.delete(`/api/v1/keys/${revoked.id}`);
    const valid = await owner.createKey();
    const app = t.client();
    const cases: Record<string, Record<string, string>> = {
      missing: {},
      malformed: { 'x-api-key': 'hello' },
      badChecksum: { 'x-api-key': breakChecksum(valid.key) },
      unknown: { 'x-api-key': generateApiKey() },
      revoked: { 'x-api-key': revoked.key },
    };
    const bodies = new Set<string>();
    for (const [name, headers] of Object.entries(cases)) {
      const response = await app.get('/v1/models', { headers });
      assert.equal(response.status, 401, name);
      assert.ok(response.body.request_id.startsWith('req_'));
      assert.equal(response.headers.get('x-request-id'), response.body.request_id);
      bodies.add(JSON.stringify({ ...response.body, request_id: undefined }));
    }
    assert.equal(bodies.size, 1);
    assert.deepEqual(JSON.parse([...bodies][0]!), {
      status: false,
      response: 'Invalid API key',
      error: {
        http_status: 401,
        message: 'Invalid or missing API key',
        details: 'Please obtain a valid API key from the dashboard',
        error_id: 'UNAUTHORIZED',
      },
    });
  });

  test('a negative cache entry never hides a key created after it', async () => {
    const owner = t.client();
    const { account } = await owner.signup();
    const secret = generateApiKey();
    const app = t.client();
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': secret } })).status, 401);
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': secret } })).status, 401, 'now served from the negative entry');
    await createApiKey(t.server.ctx, { accountId: account.id, name: 'late', actor: { type: 'system', id: null, ip: null, userAgent: null } }, secret);
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': secret } })).status, 200);
  });

  test('revocation evicts at once: the very next request gets 401', async () => {
    const owner = t.client();
    await owner.signup();
    const app = t.client();
    for (let i = 0; i < 20; i++) {
      const { id, key } = await owner.createKey();
      assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
      assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 200, 'served from cache');
      assert.equal((await owner.delete(`/api/v1/keys/${id}`)).status, 200);
      assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 401);
    }
  });

  test('/v1 sends no CORS headers, even to a browser preflight', async () => {
    const owner = t.client();
    await owner.signup();
    const { key } = await owner.createKey();
    const app = t.client();
    const get = await app.get('/v1/models', { headers: { 'x-api-key': key, origin: 'https://evil.example' } });
    const preflight = await app.request('OPTIONS', '/v1/models', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' },
    });
    for (const response of [get, preflight]) {
      for (const name of response.headers.keys()) assert.ok(!name.startsWith('access-control-'), name);
    }
  });

  test('last-used never moves backwards, whatever order batches arrive in', async () => {
    const owner = t.client();
    await owner.signup();
    const { id } = await owner.createKey();
    const { lastUsed } = t.server.ctx;
    lastUsed.record('api_keys', id, { at: Date.UTC(2030, 0, 2), ip: '10.0.0.2', userAgent: 'newer' });
    await t.server.flushBatches();
    lastUsed.record('api_keys', id, { at: Date.UTC(2030, 0, 1), ip: '10.0.0.1', userAgent: 'older' });
    await t.server.flushBatches();
    const key = (await owner.get(`/api/v1/keys/${id}`)).body;
    assert.equal(key.last_used_at, new Date(Date.UTC(2030, 0, 2)).toISOString());
    assert.equal(key.last_used_ip, '10.0.0.2');
    assert.equal(key.last_used_user_agent, 'newer');
  });

  test('last-used is kept to the minute: a row is rewritten for a use a minute newer, or from another IP or user agent', async () => {
    const owner = t.client();
    await owner.signup();
    const { id } = await owner.createKey();
    const { lastUsed } = t.server.ctx;
    const start = Date.UTC(2032, 0, 1);
    const stored = async () => (await owner.get(`/api/v1/keys/${id}`)).body;
    const use = async (at: number, ip: string, userAgent: string) => {
      lastUsed.record('api_keys', id, { at, ip, userAgent });
      await t.server.flushBatches();
      return stored();
    };
    assert.equal((await use(start, '10.0.0.1', 'app')).last_used_at, new Date(start).toISOString());
    assert.equal((await use(start + 30_000, '10.0.0.1', 'app')).last_used_at, new Date(start).toISOString(), 'same minute, same source');
    const moved = await use(start + 40_000, '10.0.0.2', 'app');
    assert.equal(moved.last_used_at, new Date(start + 40_000).toISOString(), 'another IP is written at once');
    assert.equal(moved.last_used_ip, '10.0.0.2');
    assert.equal((await use(start + 50_000, '10.0.0.2', 'other agent')).last_used_user_agent, 'other agent');
    assert.equal((await use(start + 110_000, '10.0.0.2', 'other agent')).last_used_at, new Date(start + 110_000).toISOString(), 'a minute later');
  });
});
