/**
 * Limits of the device authorization grant: wrong user codes per account under concurrency,
 * device-grant creation per IP, the cap on pending grants, small bodies, user-code
 * collisions, and client names that cannot disguise themselves.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestResponse } from '../test-support/client.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';
import { insertDeviceGrant } from './device-grant-store.js';

const count = (responses: readonly TestResponse[], status: number) => responses.filter((r) => r.status === status).length;
const summary = (responses: readonly TestResponse[]) => JSON.stringify(responses.map((r) => r.status).sort());

describe('device grant limits', () => {
  let t: TestServer;
  const clock = new ManualClock();
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: 'true', DEVICE_GRANTS_MAX_PER_IP: '3', DEVICE_GRANTS_MAX_PENDING: '8' }, { clock });
  });
  after(() => t.stop());

  const start = (ip: string, body: Record<string, unknown> = { client_name: 'cli', scopes: ['account.read'] }) =>
    t.client().post('/api/oauth/device', body, { noOrigin: true, headers: { 'x-forwarded-for': ip } });

  test('300 concurrent wrong user codes from one account: exactly the limit (10) are looked up', async () => {
    const guesser = t.client();
    await guesser.signup();
    const letters = 'BCDFGHJKLMNPQRSTVWXZ';
    const codes = Array.from({ length: 300 }, (_, i) => `BBBB-B${letters[Math.floor(i / 20) % 20]}${letters[i % 20]}B`);
    const responses = await Promise.all(codes.map((code) => guesser.get(`/api/oauth/device/${code}`)));
    assert.equal(count(responses, 404), 10, summary(responses));
    assert.equal(count(responses, 429), 290, summary(responses));
  });

  test('device-grant creation is limited per client IP, also under concurrency', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => start('198.51.100.60')));
    assert.equal(count(responses, 200), 3, summary(responses));
    assert.equal(count(responses, 429), 7, summary(responses));
    const refused = responses.find((r) => r.status === 429)!;
    assert.equal(refused.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await start('198.51.100.61')).status, 200, 'another IP is not affected');
  });

  test('pending grants are capped: past the cap, creation gets 503 until grants expire, also under concurrency', async () => {
    const pending = async () =>
      (
        await t.server.ctx.store.db
          .selectFrom('device_grants')
          .select('id')
          .where('status', '=', 'pending')
          .where('expires_at', '>', clock.now())
          .execute()
      ).length;
    clock.advance(2 * 3_600_000); // earlier tests' grants have expired and their IPs' windows are over
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => start(`192.0.2.${i + 1}`)));
    assert.equal(count(burst, 200) + count(burst, 503), 30, summary(burst));
    assert.equal(count(burst, 200), await pending());
    assert.ok((await pending()) <= 8, `${await pending()} pending grants`);

    clock.advance(901_000);
    for (let i = 0; i < 8; i++) assert.equal((await start(`192.0.2.${100 + i}`)).status, 200, 'expired grants no longer count');
    const full = await start('192.0.2.200');
    assert.equal(full.status, 503);
    assert.equal(full.body.error.error_id, 'SERVICE_UNAVAILABLE');
    assert.ok(Number(full.headers.get('retry-after')) > 0);
  });

  test('/api/oauth/device and /api/oauth/token refuse bodies over 8 KiB with 413, JSON or form', async () => {
    const padding = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, String(i)]));
    const json = await start('198.51.100.70', { client_name: 'cli', scopes: ['account.read'], ...padding });
    assert.equal(json.status, 413, json.text.slice(0, 200));
    const form = await t.client().request('POST', '/api/oauth/token', {
      rawBody: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'x', ...padding }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      noOrigin: true,
    });
    assert.equal(form.status, 413, form.text.slice(0, 200));
    assert.equal((await t.client().post('/api/oauth/token', { grant_type: 'x', ...padding }, { noOrigin: true })).status, 413);
  });

  test('client names with direction overrides, invisible or control characters get 422', async () => {
    for (const name of ['Skytells CLI\u202Eevil', 'Sky\u200Btells', 'a\u2066b\u2069', 'cl\uFEFFi', 'cli\u0007', 'x\u200Fy']) {
      const response = await start('198.51.100.80', { client_name: name, scopes: ['account.read'] });
      assert.equal(response.status, 422, JSON.stringify(name));
      assert.match(response.body.error.details, /^client_name: /);
    }
  });

  test('a user code that collides with a stored one is drawn again', async () => {
    const taken = 'BBBB-CCCC';
    const { db } = t.server.ctx.store;
    const grant = (id: string, hash: string) => ({
      id,
      device_code_hash: hash,
      client_name: 'cli',
      scopes: 'account.read',
      status: 'pending' as const,
      account_id: null,
      approved_by_session: null,
      interval_seconds: 5,
      last_polled_at: null,
      token_id: null,
      created_at: clock.now(),
      expires_at: clock.now() + 900_000,
    });
    await insertDeviceGrant(db, grant('dev_collision_first', 'a'.repeat(64)), () => taken);
    const draws = [taken, taken, 'DDDD-FFFF'];
    const code = await insertDeviceGrant(db, grant('dev_collision_second', 'b'.repeat(64)), () => draws.shift()!);
    assert.equal(code, 'DDDD-FFFF');
    const stored = await db.selectFrom('device_grants').select('user_code').where('id', '=', 'dev_collision_second').executeTakeFirstOrThrow();
    assert.equal(stored.user_code, 'DDDD-FFFF');
  });
});
