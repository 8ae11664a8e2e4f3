import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Insertable } from 'kysely';
import type { UsageMinutesTable } from '../store/schema.js';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { nanosToUsd, usdToNanos } from './money.js';
import { DAY_MS, rollUpAndPrune } from './repository.js';

describe('money', () => {
  test('decimal strings convert exactly, with no floating point', () => {
    assert.equal(usdToNanos('0.0025'), 2_500_000n);
    assert.equal(usdToNanos('12'), 12_000_000_000n);
    assert.equal(usdToNanos('0.000000001'), 1n);
    assert.equal(nanosToUsd(7_500_000n), '0.0075');
    assert.equal(nanosToUsd(0), '0.0000');
    assert.equal(nanosToUsd(1n), '0.000000001');
    // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is exact.
    assert.equal(nanosToUsd(usdToNanos('0.1') + usdToNanos('0.2')), '0.3000');
    assert.equal(nanosToUsd(10n ** 20n + 1n), '100000000000.000000001');
  });
});

describe('usage aggregates, rollup and retention', () => {
  let t: TestServer;
  let owner: TestClient;
  let accountId: string;
  let keyId: string;
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;

  /** One request in its own minute group. */
  const event = (daysAgo: number, i: number, overrides: Partial<Insertable<UsageMinutesTable>> = {}): Insertable<UsageMinutesTable> => {
    // Past days: an hour after midnight, a minute apart. Today: halfway between midnight and now.
    const at = daysAgo === 0 ? today + Math.floor((now - today) / 2) : today - daysAgo * DAY_MS + 3_600_000 + i * 60_000;
    return {
      id: `g${String(daysAgo).padStart(4, '0')}${String(i).padStart(6, '0')}`,
      minute: at - (at % 60_000),
      account_id: accountId,
      credential_kind: 'api_key',
      credential_id: keyId,
      ip: '198.51.100.1',
      user_agent: 'seed',
      method: 'POST',
      route: '/v1/predictions',
      status_code: 201,
      model: 'sandbox-text',
      requests: 1,
      errors: 0,
      predictions: 1,
      latency_sum_us: 3000,
      latency_max_us: 3000,
      // 0.000000001 USD more than 0.1 USD: sums expose any rounding.
      charge_nanos: 100_000_001,
      ...overrides,
    };
  };

  // Each test gets its own server and seed: none depends on what another did before it.
  beforeEach(async () => {
    t = await startTestServer({ USAGE_RETENTION_DAYS: '5' });
    owner = t.client();
    accountId = (await owner.signup()).account.id;
    keyId = (await owner.createKey()).id;
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => event(10, i)),
      ...Array.from({ length: 20 }, (_, i) => event(3, i)),
      event(3, 59, { status_code: 500, errors: 1, predictions: 0, model: '', charge_nanos: 0 }),
      ...Array.from({ length: 5 }, (_, i) => event(0, i)),
    ];
    await t.server.ctx.store.db.insertInto('usage_minutes').values(rows).execute();
  });
  afterEach(() => t.stop());

  const aggregates = async (query = '') => {
    const from = new Date(today - 20 * DAY_MS).toISOString();
    const response = await owner.get(`/api/v1/usage?from=${from}${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  };

  test('aggregates per day are exact, before and after the rollup, however often it runs', async () => {
    const expected = {
      totals: { requests: 56, predictions: 55, errors: 1, charge: nanosToUsd(55n * 100_000_001n) },
      days: [
        [new Date(today - 10 * DAY_MS).toISOString(), 30],
        [new Date(today - 3 * DAY_MS).toISOString(), 21],
        [new Date(today).toISOString(), 5],
      ],
    };
    const check = (body: { totals: unknown; data: Array<{ period: string; requests: number }> }) => {
      assert.deepEqual(body.totals, expected.totals);
      assert.deepEqual(
        body.data.map((d) => [d.period, d.requests]),
        expected.days,
      );
    };
    check(await aggregates());
    // Retention is 5 days: the first run rolls every complete day up, then deletes day -10.
    const first = await rollUpAndPrune(t.server.ctx.store.db, now, 5);
    assert.equal(first.pruned, 30);
    check(await aggregates());
    const second = await rollUpAndPrune(t.server.ctx.store.db, now, 5);
    assert.equal(second.pruned, 0);
    check(await aggregates());
    // As the schedule runs it: on the writer thread's connection.
    assert.equal(await t.server.ctx.store.writer.apply({ op: 'rollup', now, retentionDays: 5 }), 0);
    check(await aggregates());
  });

  test('a day rolled up in part (a run interrupted between slices) is one row, counted once', async () => {
    const owner2 = t.client();
    const account = (await owner2.signup()).account.id;
    const key = (await owner2.createKey()).id;
    const { db } = t.server.ctx.store;
    await rollUpAndPrune(db, now, 5);
    const day = today - 2 * DAY_MS;
    const rows = [0, 1, 2, 3].map((h) => ({
      ...event(2, h),
      id: `partial${h}`,
      account_id: account,
      credential_id: key,
      minute: day + h * 3_600_000,
    }));
    await db.insertInto('usage_minutes').values(rows).execute();
    // The first two hours are in usage_daily already, and rolled_until lies between them and the rest.
    const before = await db.selectFrom('usage_rollup_state').select('rolled_until').executeTakeFirstOrThrow();
    await db.deleteFrom('usage_daily').where('account_id', '=', account).execute();
    await db
      .insertInto('usage_daily')
      .values({ account_id: account, credential_id: key, day, requests: 2, predictions: 2, errors: 0, charge_nanos: 200_000_002 })
      .execute();
    await db
      .updateTable('usage_rollup_state')
      .set({ rolled_until: day + 2 * 3_600_000 })
      .execute();
    const body = (await owner2.get(`/api/v1/usage?from=${new Date(day).toISOString()}`)).body;
    assert.deepEqual(
      body.data.map((d: { period: string; requests: number; charge: string }) => [d.period, d.requests, d.charge]),
      [[new Date(day).toISOString(), 4, nanosToUsd(4n * 100_000_001n)]],
    );
    // The interrupted run resumes: nothing is added twice.
    await rollUpAndPrune(db, now, 5);
    const again = (await owner2.get(`/api/v1/usage?from=${new Date(day).toISOString()}`)).body;
    assert.deepEqual(again.data, body.data);
    assert.ok((await db.selectFrom('usage_rollup_state').select('rolled_until').executeTakeFirstOrThrow()).rolled_until >= before.rolled_until);
  });

  test('hourly granularity and the key filter', async () => {
    const hourly = await aggregates('&granularity=hour');
    assert.ok(hourly.data.every((d: { period: string }) => Date.parse(d.period) % 3_600_000 === 0));
    assert.equal(hourly.data.at(-1).requests, 5);
    assert.deepEqual((await aggregates('&key_id=key_other')).totals, { requests: 0, predictions: 0, errors: 0, charge: '0.0000' });
    assert.equal((await owner.get('/api/v1/usage?granularity=week')).status, 422);
    assert.equal((await owner.get(`/api/v1/usage?from=${new Date(now).toISOString()}&to=${new Date(now - 1).toISOString()}`)).status, 422);
  });

  test('request groups page newest first with a cursor, through every group exactly once', async () => {
    const seen: string[] = [];
    const times: number[] = [];
    let cursor: string | null = null;
    const from = new Date(today - 20 * DAY_MS).toISOString();
    // Retention (5 days) deletes the 30 groups of day -10.
    await rollUpAndPrune(t.server.ctx.store.db, now, 5);
    do {
      const page: { body: { data: Array<{ id: string; minute: string }>; next_cursor: string | null } } = await owner.get(
        `/api/v1/usage/events?from=${from}&per_page=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.data.map((e) => e.id));
      times.push(...page.body.data.map((e) => Date.parse(e.minute)));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 26, 'minute groups that survived retention');
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(
      times,
      [...times].sort((x, y) => y - x),
      'newest first',
    );
    assert.equal((await owner.get('/api/v1/usage/events?cursor=garbage')).status, 422);
  });
});
