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

  test('deletes expired sessions, stale device grants and old failed attempts, and nothing current', async () => {
    const expired = t.client();
    await expired.signup();
    await t
      .client()
      .post('/api/v1/auth/signin', { email: 'old@example.com', password: 'wrong password here' }, { headers: { 'x-forwarded-for': '192.0.2.1' } });
    await t.client().post('/api/oauth/device', { client_name: 'cli', scopes: ['account.read'] }, { noOrigin: true });
    clock.advance(2 * 86_400_000);
    const current = t.client();
    await current.signup();
    // Another email from another address: its own pruning does not reach the old failure.
    await t
      .client()
      .post('/api/v1/auth/signin', { email: 'new@example.com', password: 'wrong password again' }, { headers: { 'x-forwarded-for': '192.0.2.2' } });

    const { db } = t.server.ctx.store;
    assert.deepEqual(await sweepExpired(db, clock.now(), 15 * 60_000), { sessions: 1, grants: 1, failures: 1 });
    assert.deepEqual(await sweepExpired(db, clock.now(), 15 * 60_000), { sessions: 0, grants: 0, failures: 0 });
    assert.equal((await expired.get('/api/v1/account')).status, 401);
    assert.equal((await current.get('/api/v1/account')).status, 200);
    assert.equal((await db.selectFrom('auth_failures').select('id').execute()).length, 1, 'the recent failure still counts');
  });
});
