/**
 * Limits of the account endpoints: sign-up per IP, wrong current passwords per account (with
 * an audit record each), and small bodies on the public endpoints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestResponse } from '../test-support/client.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';

const statuses = (responses: readonly TestResponse[]) => responses.map((r) => r.status).sort();

describe('account limits', () => {
  let t: TestServer;
  const clock = new ManualClock();
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: 'true', SIGNUP_MAX_PER_IP: '3' }, { clock });
  });
  after(() => t.stop());

  test('sign-up is limited per client IP, also under concurrency; another IP is not affected', async () => {
    const ip = { 'x-forwarded-for': '198.51.100.40' };
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.client().post('/api/v1/auth/signup', { email: `burst-${i}@example.com`, password: 'a long enough password', name: 'B' }, { headers: ip }),
      ),
    );
    assert.deepEqual(statuses(responses), [...Array(3).fill(201), ...Array(9).fill(429)]);
    const refused = responses.find((r) => r.status === 429)!;
    assert.equal(refused.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    const elsewhere = await t
      .client()
      .post(
        '/api/v1/auth/signup',
        { email: 'elsewhere@example.com', password: 'a long enough password', name: 'E' },
        { headers: { 'x-forwarded-for': '198.51.100.41' } },
      );
    assert.equal(elsewhere.status, 201);
  });

  test('wrong current passwords are limited per account, each audited, and the limit holds under concurrency', async () => {
    const owner = t.client();
    const { password } = await owner.signup();
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        owner.post('/api/v1/account/password', { current_password: 'not my password!', new_password: 'a brand new password' }),
      ),
    );
    assert.deepEqual(statuses(responses), [...Array(5).fill(403), ...Array(35).fill(429)]);
    assert.ok(Number(responses.find((r) => r.status === 429)!.headers.get('retry-after')) > 0);
    const audit = await owner.get('/api/v1/audit?type=account.password_change_failed&per_page=100');
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.body.pagination.total, 5, 'one audit record per wrong password checked');
    const right = await owner.post('/api/v1/account/password', { current_password: password, new_password: 'a brand new password' });
    assert.equal(right.status, 429, 'no further check until the delay is over');
    clock.advance(Number(right.headers.get('retry-after')) * 1000);
    assert.equal((await owner.post('/api/v1/account/password', { current_password: password, new_password: 'a brand new password' })).status, 200);
  });

  test('an account remembers its 20 newest browsers at most', async () => {
    const { email, password, account } = await t.client().signup();
    for (let i = 0; i < 23; i++) assert.equal((await t.client().post('/api/v1/auth/signin', { email, password })).status, 200);
    const remembered = await t.server.ctx.store.db.selectFrom('signin_devices').select('id').where('account_id', '=', account.id).execute();
    assert.equal(remembered.length, 20);
  });

  test('sign-in, sign-up and password change refuse bodies over 8 KiB with 413', async () => {
    const browser = t.client();
    await browser.signup({ email: 'body@example.com' });
    // About 16 KiB of small keys: cheap to send, expensive to parse and validate by the thousand.
    const padding = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, i]));
    for (const [path, body] of [
      ['/api/v1/auth/signin', { email: 'body@example.com', password: 'correct horse battery staple', ...padding }],
      ['/api/v1/auth/signup', { email: 'big@example.com', password: 'a long enough password', name: 'Big', ...padding }],
      ['/api/v1/account/password', { current_password: 'correct horse battery staple', new_password: 'another long password', ...padding }],
    ] as const) {
      const response = await browser.post(path, body);
      assert.equal(response.status, 413, `${path}: ${response.text.slice(0, 200)}`);
      assert.equal(response.body.error.error_id, 'PAYLOAD_TOO_LARGE');
    }
  });
});
