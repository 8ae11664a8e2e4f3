import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { UsageJob } from '../store/write-jobs.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';
import type { VerifiedCredential } from '../verify/verifier.js';
import { HANDOVER_CHUNK, type UsageSample } from './usage-batch.js';

describe('usage recording: per-minute request groups', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 30));
  before(async () => {
    // TRUST_PROXY so each request can say which client address it comes from.
    t = await startTestServer({ BATCH_FLUSH_INTERVAL_MS: '5000', TRUST_PROXY: 'true' }, { clock });
  });
  after(() => t.stop());

  test("a key's requests in a window are listed per minute with IP, user agent, route, status and counts", async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey();
    const other = await owner.createKey('other');
    const app = t.client();
    const call = (ua: string, ip: string, path = '/v1/models', apiKey = key) =>
      app.get(path, { headers: { 'x-api-key': apiKey, 'user-agent': ua, 'x-forwarded-for': ip } });
    const first = clock.now() - (clock.now() % 60_000);
    for (let i = 0; i < 5; i++) assert.equal((await call('client-a/1.0', '192.0.2.1')).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await call('client-b/2.0', '192.0.2.2')).status, 200);
    assert.equal((await call('client-b/2.0', '192.0.2.2', '/v1/models/no-such-model')).status, 404);
    assert.equal((await call('client-a/1.0', '192.0.2.1', '/v1/models', other.key)).status, 200);
    await t.server.flushBatches();
    clock.advance(60_000);
    for (let i = 0; i < 2; i++) assert.equal((await call('client-a/1.0', '192.0.2.1')).status, 200);
    await t.server.flushBatches();

    const window = `from=${new Date(first).toISOString()}&to=${new Date(first + 120_000).toISOString()}`;
    const page = await owner.get(`/api/v1/usage/events?key_id=${id}&${window}`);
    assert.equal(page.status, 200, page.text);
    const rows = page.body.data.map((g: Record<string, unknown>) => [g.minute, g.ip, g.user_agent, g.route, g.status_code, g.requests, g.errors]);
    const minute = (ms: number) => new Date(ms).toISOString();
    // Newest minute first; within a minute, by group id.
    assert.deepEqual(rows[0], [minute(first + 60_000), '192.0.2.1', 'client-a/1.0', '/v1/models', 200, 2, 0]);
    assert.deepEqual(
      rows.slice(1).sort(),
      [
        [minute(first), '192.0.2.1', 'client-a/1.0', '/v1/models', 200, 5, 0],
        [minute(first), '192.0.2.2', 'client-b/2.0', '/v1/models', 200, 3, 0],
        [minute(first), '192.0.2.2', 'client-b/2.0', '/v1/models/:slug', 404, 1, 1],
      ].sort(),
    );
    for (const group of page.body.data) {
      assert.equal(group.key_id, id);
      assert.equal(group.method, 'GET');
      assert.ok(group.latency_ms_max >= group.latency_ms_avg && group.latency_ms_avg >= 0);
    }
    const usage = await owner.get(`/api/v1/usage?${window}`);
    assert.equal(usage.body.totals.requests, 12, 'every request counted once, both keys');
    assert.equal(usage.body.totals.errors, 1);
  });

  test("a key's last use is its newest request's, taken from its usage when the groups flush", async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey();
    const app = t.client();
    const call = (ua: string, ip: string, path: string) => app.get(path, { headers: { 'x-api-key': key, 'user-agent': ua, 'x-forwarded-for': ip } });
    assert.equal((await call('client-a/1.0', '192.0.2.1', '/v1/models')).status, 200);
    clock.advance(1_000);
    // A refused request of a valid key is a use too; the group it joins is not the key's first.
    assert.equal((await call('client-b/2.0', '192.0.2.2', '/v1/models/no-such-model')).status, 404);
    const lastAt = clock.now();
    assert.equal((await owner.get(`/api/v1/keys/${id}`)).body.last_used_at, null, 'nothing written before the flush');
    await t.server.flushBatches();
    const stored = (await owner.get(`/api/v1/keys/${id}`)).body;
    assert.deepEqual(
      [stored.last_used_at, stored.last_used_ip, stored.last_used_user_agent],
      [new Date(lastAt).toISOString(), '192.0.2.2', 'client-b/2.0'],
    );
  });

  test('a key in steady use is written as last used about once a minute, not at every flush', async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey();
    const app = t.client();
    const call = async (ua: string) => assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key, 'user-agent': ua } })).status, 200);
    // Records the last-used batch has handed to the writer so far.
    const handed = async () => Number(/^batch_flush_size_sum\{batch="last_used"\} (\d+)$/m.exec((await t.client().get('/metrics')).text)?.[1] ?? 0);
    const flushed = async (ua: string) => {
      const before = await handed();
      await call(ua);
      await t.server.flushBatches();
      return (await handed()) - before;
    };
    const firstAt = clock.now();
    assert.equal(await flushed('client-a/1.0'), 1, 'the first use is written');
    clock.advance(10_000);
    assert.equal(await flushed('client-a/1.0'), 0, 'the same client within the minute: nothing to write');
    assert.equal((await owner.get(`/api/v1/keys/${id}`)).body.last_used_at, new Date(firstAt).toISOString());
    assert.equal(await flushed('client-b/2.0'), 1, 'another user agent is written at once');
    clock.advance(60_000);
    const lastAt = clock.now();
    assert.equal(await flushed('client-b/2.0'), 1, 'a minute later, written again');
    const stored = (await owner.get(`/api/v1/keys/${id}`)).body;
    assert.deepEqual([stored.last_used_at, stored.last_used_user_agent], [new Date(lastAt).toISOString(), 'client-b/2.0']);
  });

  test('a flush hands every used key over to last-used, even more keys than one turn of the event loop takes', async () => {
    const owner = t.client();
    await owner.signup();
    const keys = [];
    for (let i = 0; i <= HANDOVER_CHUNK; i++) keys.push(await owner.createKey(`turn ${i}`));
    const app = t.client();
    for (const { key } of keys) assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
    // The schedule may flush too while the requests run: what counts is that every key's use is written.
    await t.server.flushBatches();
    const used = await t.server.ctx.store.db
      .selectFrom('api_keys')
      .select('id')
      .where(
        'id',
        'in',
        keys.map((k) => k.id),
      )
      .where('last_used_at', '=', clock.now())
      .execute();
    assert.equal(used.length, keys.length, 'every key has its last use');
  });

  test('a usage job applied twice (a retry after a lost acknowledgement) counts once', async () => {
    const owner = t.client();
    const { account } = await owner.signup();
    const { id } = await owner.createKey();
    const job: UsageJob = {
      op: 'usage',
      ledgerId: 'test-ledger-1',
      appliedAt: clock.now(),
      rows: {
        minute: [Date.UTC(2026, 0, 1, 11, 0)],
        accountId: [account.id],
        kind: ['api_key'],
        credentialId: [id],
        ip: ['192.0.2.9'],
        userAgent: [''],
        method: ['POST'],
        route: ['/v1/predictions'],
        status: [201],
        model: ['sandbox-text'],
        requests: [7],
        errors: [0],
        predictions: [7],
        latencySumUs: [7000],
        latencyMaxUs: [1500],
        chargeNanos: [7_000_000],
      },
    };
    const { writer, db } = t.server.ctx.store;
    assert.equal(await writer.apply(job), 1);
    assert.equal(await writer.apply(job), 0, 'the ledger knows this job');
    assert.equal(await writer.apply({ ...job, ledgerId: 'test-ledger-2' }), 1, 'another job adds to the same group');
    const group = await db.selectFrom('usage_minutes').selectAll().where('credential_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(
      [group.requests, group.predictions, group.latency_sum_us, group.latency_max_us, group.charge_nanos].map(Number),
      [14, 14, 14_000, 1500, 14_000_000],
    );
    assert.equal(group.user_agent, '');
    const listed = (await owner.get(`/api/v1/usage/events?key_id=${id}&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`)).body.data;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].user_agent, null, 'no user agent is null, not ""');
    assert.equal(listed[0].charge, '0.0140');
    assert.equal(listed[0].latency_ms_avg, 1);
    assert.equal(listed[0].latency_ms_max, 1.5);
  });

  test('a credential with many request shapes in one interval still gets one group per shape', async () => {
    const credential = await newApiKey(t);
    const id = credential.credentialId;
    const at = Date.UTC(2026, 0, 1, 10, 0, 5);
    // 40 user agents (past the point where a credential's groups are found by key), 3 requests each, interleaved.
    for (let round = 0; round < 3; round++) {
      for (let ua = 0; ua < 40; ua++) {
        t.server.ctx.usage.record({
          ...sample(credential, at + round, `agent/${ua}`),
          latencyUs: 100 * (round + 1),
        });
      }
    }
    await t.server.flushBatches();
    const groups = await t.server.ctx.store.db.selectFrom('usage_minutes').selectAll().where('credential_id', '=', id).execute();
    assert.equal(groups.length, 40);
    for (const g of groups) assert.deepEqual([g.requests, g.latency_sum_us, g.latency_max_us].map(Number), [3, 600, 300], g.user_agent);
  });

  test("a credential's groups are found through its note only within one flush interval, and a new object of it joins them", async () => {
    const first = await newApiKey(t);
    const id = first.credentialId;
    const at = Date.UTC(2026, 0, 1, 10, 1, 5);
    t.server.ctx.usage.record(sample(first, at, 'agent/1'));
    assert.notEqual(first.usageNote, null, 'noted on first use');
    // The verify cache refreshed its entry: a new object for the same credential, same interval.
    const refreshed = apiKey(first.accountId, id);
    t.server.ctx.usage.record(sample(refreshed, at + 1, 'agent/1'));
    assert.equal(refreshed.usageNote, first.usageNote, 'found by id, then noted');
    await t.server.flushBatches();
    // The old object's note is from the flushed interval: its next request starts a new group.
    t.server.ctx.usage.record(sample(first, at + 2, 'agent/1'));
    assert.notEqual(first.usageNote, refreshed.usageNote);
    t.server.ctx.usage.record(sample(refreshed, at + 3, 'agent/1'));
    assert.equal(refreshed.usageNote, first.usageNote);
    await t.server.flushBatches();
    const groups = await t.server.ctx.store.db.selectFrom('usage_minutes').selectAll().where('credential_id', '=', id).execute();
    assert.deepEqual(
      groups.map((g) => Number(g.requests)),
      [4],
      'one group, every request counted once',
    );
  });
});

/** A new account's new key, as the verify cache hands it to every request of the key. */
async function newApiKey(t: TestServer): Promise<VerifiedCredential> {
  const owner = t.client();
  const { account } = await owner.signup();
  const { id } = await owner.createKey();
  return apiKey(account.id, id);
}

function apiKey(accountId: string, credentialId: string): VerifiedCredential {
  return { kind: 'api_key', credentialId, accountId, expiresAt: null, scopes: [], usageNote: null };
}

function sample(credential: VerifiedCredential, at: number, userAgent: string): UsageSample {
  return {
    at,
    credential,
    ip: '192.0.2.7',
    userAgent,
    method: 'GET',
    route: '/v1/models',
    status: 200,
    model: '',
    prediction: false,
    latencyUs: 100,
    chargeNanos: 0,
  };
}
