/**
 * The attempt throttle through the real server: reservations before the slow work (so a burst
 * never gets more than the limit checked, on one instance or two), progressive delay instead
 * of a lockout, the device cookie's own budget, one counter per purpose, and IPv6 /64 grouping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient, TestResponse } from '../test-support/client.js';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../test-support/database.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';

const WRONG = 'not the password at all';

/** How many responses had each status. */
const tally = (responses: readonly TestResponse[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

const signin = (client: TestClient, email: string, password: string, headers: Record<string, string> = {}) =>
  client.post('/api/v1/auth/signin', { email, password }, { headers });

/** The `name=value` pair of the Set-Cookie named `name`, if the response set it. */
const setCookieNamed = (response: TestResponse, name: string): string | undefined =>
  response.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];

describe('the attempt throttle on one instance', () => {
  let t: TestServer;
  // The clock stands still unless a test moves it: no delay can run out in the middle of a burst.
  const clock = new ManualClock();
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: 'true' }, { clock });
  });
  after(() => t.stop());

  test('200 concurrent wrong passwords for one email: exactly the limit (10) are checked, the rest get 429', async () => {
    const { email, password } = await t.client().signup();
    const responses = await Promise.all(Array.from({ length: 200 }, () => signin(t.client(), email, WRONG)));
    assert.deepEqual(tally(responses), { 401: 10, 429: 190 }, 'exactly the limit is checked: no more, and no fewer');
    for (const refused of responses.filter((r) => r.status === 429)) {
      assert.equal(refused.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    }
    assert.equal((await signin(t.client(), email, password)).status, 429, 'the right password after the burst waits too');
  });

  test('beyond the limit each attempt waits a growing delay (progressive), not a 15-minute lockout', async () => {
    const { email, password } = await t.client().signup();
    const ip = (i: number) => ({ 'x-forwarded-for': `198.51.100.${i}` });
    for (let i = 0; i < 10; i++) assert.equal((await signin(t.client(), email, WRONG, ip(i))).status, 401);
    const first = await signin(t.client(), email, password, ip(20));
    assert.equal(first.status, 429);
    const firstDelay = Number(first.headers.get('retry-after'));
    assert.ok(firstDelay >= 1 && firstDelay <= 10, String(firstDelay));
    clock.advance(firstDelay * 1000);
    assert.equal((await signin(t.client(), email, WRONG, ip(21))).status, 401, 'the delay is over: one more attempt is checked');
    const second = await signin(t.client(), email, password, ip(22));
    assert.equal(second.status, 429);
    const secondDelay = Number(second.headers.get('retry-after'));
    assert.ok(secondDelay > firstDelay && secondDelay < 900, `${firstDelay} then ${secondDelay}`);
    clock.advance(secondDelay * 1000);
    assert.equal((await signin(t.client(), email, password, ip(23))).status, 200, 'the owner is in after seconds, not 15 minutes');
  });

  test('a browser that signed in before keeps its own budget: failures from elsewhere do not lock it out', async () => {
    const { email, password } = await t.client().signup();
    const owner = t.client();
    const first = await signin(owner, email, password, { 'x-forwarded-for': '192.0.2.10' });
    assert.equal(first.status, 200);
    const device = setCookieNamed(first, 'skytells_device');
    assert.ok(device, 'a successful sign-in remembers the browser');
    const attributes = first.headers.getSetCookie().find((c) => c.startsWith('skytells_device='))!;
    assert.match(attributes, /; HttpOnly/);
    assert.match(attributes, /; SameSite=Strict/);
    assert.match(attributes, /; Path=\/api\/v1\/auth\/signin/);
    assert.equal(owner.cookie?.startsWith('skytells_session='), true, 'the session cookie comes first');

    // An attacker, from many addresses, exhausts the account's budget for unknown browsers.
    for (let i = 0; i < 12; i++) await signin(t.client(), email, WRONG, { 'x-forwarded-for': `203.0.113.${i}` });
    assert.equal((await signin(t.client(), email, password, { 'x-forwarded-for': '192.0.2.10' })).status, 429, 'an unknown browser waits');
    const known = await signin(t.client(), email, password, { 'x-forwarded-for': '192.0.2.10', cookie: device });
    assert.equal(known.status, 200, 'the known browser signs in at once');

    // The device cookie is a budget, not a bypass: wrong passwords with it are limited too.
    const withCookie = await Promise.all(Array.from({ length: 30 }, () => signin(t.client(), email, WRONG, { cookie: device })));
    assert.deepEqual(tally(withCookie), { 401: 10, 429: 20 });
    const stored = await t.server.ctx.store.db.selectFrom('signin_devices').selectAll().execute();
    assert.ok(
      stored.every((row) => !device.includes(row.token_hash) && row.token_hash.length === 64),
      'only the hash is stored',
    );
  });

  test('failed sign-ins and wrong device codes are counted apart', async () => {
    const ip = { 'x-forwarded-for': '198.18.0.1' };
    for (let i = 0; i < 50; i++) assert.equal((await signin(t.client(), `spray-${i}@example.com`, WRONG, ip)).status, 401);
    assert.equal((await signin(t.client(), 'spray-x@example.com', WRONG, ip)).status, 429, 'the IP has used its sign-in budget');

    const grant = (await t.client().post('/api/oauth/device', { client_name: 'cli', scopes: ['account.read'] }, { noOrigin: true })).body;
    const browser = t.client();
    await browser.signup();
    const approved = await browser.post(`/api/oauth/device/${grant.user_code}/approve`, undefined, { headers: ip });
    assert.equal(approved.status, 200, 'a correct approval from that IP is not refused for the sign-in failures');

    for (let i = 0; i < 12; i++)
      await browser.get(`/api/oauth/device/BBBB-BBB${'BCDFGHJKLMNP'[i]}`, { headers: { 'x-forwarded-for': '198.18.0.2' } });
    const { email, password } = await t.client().signup();
    assert.equal((await signin(t.client(), email, password, { 'x-forwarded-for': '198.18.0.2' })).status, 200, 'wrong codes do not block sign-in');
  });

  test('per-IP counters group IPv6 clients by /64', async () => {
    for (let i = 0; i < 50; i++) {
      const response = await signin(t.client(), `v6-${i}@example.com`, WRONG, { 'x-forwarded-for': `2001:db8:1:2::${(i + 1).toString(16)}` });
      assert.equal(response.status, 401);
    }
    const sameNetwork = await signin(t.client(), 'v6-x@example.com', WRONG, { 'x-forwarded-for': '2001:db8:1:2:ffff:ffff:ffff:ffff' });
    assert.equal(sameNetwork.status, 429, 'another address of the same /64 shares the budget');
    const nextNetwork = await signin(t.client(), 'v6-x@example.com', WRONG, { 'x-forwarded-for': '2001:db8:1:3::1' });
    assert.equal(nextNetwork.status, 401, 'the next /64 has its own');
  });
});

describe('the attempt throttle across two instances on one PostgreSQL database', () => {
  const skip = TEST_DB !== 'postgres' && 'needs PostgreSQL (several instances share one database)';
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const clock = new ManualClock();
  before(async () => {
    if (skip) return;
    db = await createTestDatabase();
    a = await startTestServer({}, { db, clock });
    b = await startTestServer({}, { db, clock });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  test('200 concurrent wrong passwords split over two instances: exactly the limit (10) are checked in all', { skip }, async () => {
    const { email, password } = await a.client().signup();
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => signin((i % 2 === 0 ? a : b).client(), email, WRONG)));
    assert.deepEqual(tally(responses), { 401: 10, 429: 190 }, 'exactly the limit is checked: no more, and no fewer');
    assert.equal((await signin(b.client(), email, password)).status, 429);
  });
});
