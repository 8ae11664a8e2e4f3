import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';
import { sweepExpired } from './sweep.js';

describe('the hourly sweep', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    t = await startTestServer({ SESSION_TTL_DAYS: '1', TRUST_PROXY: 'true' }, { clock });
  });
  after(() => t.stop());

  test('deletes expired sessions, stale device grants, old throttle attempts and forgotten sign-in devices, and nothing current', async () => {
    const expired = t.client();
    const { email, password } = await expired.signup();
    await t
      .client()
      .post('/api/v1/auth/signin', { email: 'old@example.com', password: 'wrong password here' }, { headers: { 'x-forwarded-for': '192.0.2.1' } });
    assert.equal((await t.client().post('/api/v1/auth/signin', { email, password })).status, 200, 'a session, and a remembered browser');
    await t.client().post('/api/oauth/device', { client_name: 'cli', scopes: ['account.read'] }, { noOrigin: true });
    clock.advance(2 * 86_400_000);
    const current = t.client();
    await current.signup();
    assert.equal((await t.client().post('/api/v1/auth/signin', { email, password })).status, 200, 'a second browser, remembered from now');
    const { db } = t.server.ctx.store;
    // The first browser's year is over.
    await db.updateTable('signin_devices').set({ expires_at: clock.now() }).where('created_at', '<', clock.now()).execute();
    // Another email from another address: its own pruning does not reach the old failure.
    await t
      .client()
      .post('/api/v1/auth/signin', { email: 'new@example.com', password: 'wrong password again' }, { headers: { 'x-forwarded-for': '192.0.2.2' } });

    // Expired: the two first sessions, the device grant, the first browser, and four throttle
    // attempts: the old failure (by email and by IP), the first sign-up and the device login.
    // Of their counters, those used again since (sign-ups and sign-ins from this IP) stay.
    assert.deepEqual(await sweepExpired(db, clock.now()), { sessions: 2, grants: 1, attempts: 4, counters: 3, devices: 1 });
    assert.deepEqual(await sweepExpired(db, clock.now()), { sessions: 0, grants: 0, attempts: 0, counters: 0, devices: 0 });
    assert.equal((await expired.get('/api/v1/account')).status, 401);
    assert.equal((await current.get('/api/v1/account')).status, 200);
    const currentAttempts = await db.selectFrom('throttle_attempts').select('counter').orderBy('counter').execute();
    assert.deepEqual(
      currentAttempts.map((row) => row.counter.split(':')[0]),
      ['signin_account', 'signin_ip', 'signup_ip'],
      'the recent failure still counts, by email and by IP, and so does the recent sign-up',
    );
    assert.equal((await db.selectFrom('signin_devices').select('id').execute()).length, 1);
  });
});
