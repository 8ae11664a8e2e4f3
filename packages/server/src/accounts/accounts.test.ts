import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

describe('accounts and sessions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ TRUST_PROXY: 'true' });
  });
  after(() => t.stop());

  test('sign-up answers 201, sets an HttpOnly SameSite=Lax cookie, and the account has plan free', async () => {
    const client = t.client();
    const response = await client.post('/api/v1/auth/signup', {
      email: 'New.User@Example.com',
      password: 'a long enough password',
      name: 'New User',
    });
    assert.equal(response.status, 201);
    assert.deepEqual(Object.keys(response.body).sort(), ['created_at', 'email', 'id', 'name', 'plan']);
    assert.equal(response.body.plan, 'free');
    const cookie = response.headers.get('set-cookie')!;
    assert.match(cookie, /^skytells_session=[A-Za-z0-9_-]{43}; /);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, 'plain http: no Secure attribute');
    const me = await client.get('/api/v1/account');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, 'New.User@Example.com');
  });

  test('the cookie is Secure when the request came over TLS (through a trusted proxy)', async () => {
    const response = await t
      .client()
      .post(
        '/api/v1/auth/signup',
        { email: 'tls@example.com', password: 'a long enough password', name: 'TLS' },
        { headers: { 'x-forwarded-proto': 'https', origin: `https:${t.url.slice(5)}` } },
      );
    assert.equal(response.status, 201);
    assert.match(response.headers.get('set-cookie')!, /; Secure/);
  });

  test('emails are unique case-insensitively: 409 CONFLICT', async () => {
    await t.client().signup({ email: 'dup@example.com' });
    const again = await t.client().post('/api/v1/auth/signup', { email: '  DUP@Example.COM ', password: 'another long password', name: 'x' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.error_id, 'CONFLICT');
  });

  test('weak or malformed sign-up input gets a clear 422 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'a@example.com', password: 'short', name: 'x' }, 'password'],
      [{ email: 'a@example.com', password: 'aaaaaaaaaaaaaaaa', name: 'x' }, 'password'],
      [{ email: 'a@example.com', password: 'xa@example.comx1', name: 'x' }, 'password'],
      [{ email: 'not-an-email', password: 'a long enough password', name: 'x' }, 'email'],
      [{ email: 'a@example.com', password: 'a long enough password', name: '' }, 'name'],
      [{ email: 'a@example.com', password: 'a long enough password' }, 'name'],
      [{ email: 'a@example.com', password: 'x'.repeat(300), name: 'x' }, 'password'],
    ];
    for (const [body, field] of cases) {
      const response = await t.client().post('/api/v1/auth/signup', body);
      assert.equal(response.status, 422, JSON.stringify(body));
      assert.equal(response.body.error.error_id, 'INVALID_INPUT');
      assert.match(response.body.error.details, new RegExp(`^${field}: `));
    }
  });

  test('an unknown email and a wrong password get the same answer', async () => {
    const { email } = await t.client().signup();
    const wrongPassword = await t.client().post('/api/v1/auth/signin', { email, password: 'not the password at all' });
    const unknownEmail = await t
      .client()
      .post('/api/v1/auth/signin', { email: `nobody-${Date.now()}@example.com`, password: 'not the password at all' });
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual({ ...wrongPassword.body, request_id: 0 }, { ...unknownEmail.body, request_id: 0 });
    assert.equal(wrongPassword.headers.get('set-cookie'), null);
  });

  test('sign-in and sign-out', async () => {
    const { email, password } = await t.client().signup();
    const browser = t.client();
    const signin = await browser.post('/api/v1/auth/signin', { email: email.toUpperCase(), password });
    assert.equal(signin.status, 200);
    assert.equal((await browser.get('/api/v1/account')).status, 200);
    const cookie = browser.cookie;
    assert.equal((await browser.post('/api/v1/auth/signout')).status, 200);
    assert.equal(browser.cookie, undefined, 'the cookie is cleared');
    const replay = new TestClient(t.url);
    replay.cookie = cookie;
    assert.equal((await replay.get('/api/v1/account')).status, 401, 'the old session is gone on the server');
  });

  test('a password change needs the current password and ends the other sessions', async () => {
    const first = t.client();
    const { email, password } = await first.signup();
    const second = t.client();
    await second.post('/api/v1/auth/signin', { email, password });
    assert.equal((await second.get('/api/v1/account')).status, 200);
    const wrong = await first.post('/api/v1/account/password', { current_password: 'wrong password!!', new_password: 'a brand new password' });
    assert.equal(wrong.status, 403);
    const weak = await first.post('/api/v1/account/password', { current_password: password, new_password: 'short' });
    assert.equal(weak.status, 422);
    const changed = await first.post('/api/v1/account/password', { current_password: password, new_password: 'a brand new password' });
    assert.equal(changed.status, 200);
    assert.equal((await first.get('/api/v1/account')).status, 200, 'the session that changed it stays');
    assert.equal((await second.get('/api/v1/account')).status, 401, 'every other session ended');
    assert.equal((await t.client().post('/api/v1/auth/signin', { email, password })).status, 401);
    assert.equal((await t.client().post('/api/v1/auth/signin', { email, password: 'a brand new password' })).status, 200);
  });

  test('passwords are stored as argon2id hashes', async () => {
    const { account } = await t.client().signup();
    const row = await t.server.ctx.store.db.selectFrom('accounts').select('password_hash').where('id', '=', account.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  test('CSRF: a cookie-authenticated state change needs a same-origin Origin or Sec-Fetch-Site', async () => {
    const browser = t.client();
    await browser.signup();
    const create = (headers: Record<string, string>, noOrigin = true) =>
      browser.request('POST', '/api/v1/keys', { body: { name: 'csrf' }, headers, noOrigin });
    const refused = [
      await create({}),
      await create({ origin: 'https://evil.example' }),
      await create({ origin: 'null' }),
      await create({ 'sec-fetch-site': 'cross-site' }),
      await create({ 'sec-fetch-site': 'same-site' }),
    ];
    for (const response of refused) {
      assert.equal(response.status, 403);
      assert.equal(response.body.error.error_id, 'FORBIDDEN');
    }
    assert.equal((await browser.request('DELETE', '/api/v1/keys/key_x', { noOrigin: true })).status, 403);
    assert.equal((await create({ origin: t.url })).status, 201);
    assert.equal((await create({ 'sec-fetch-site': 'same-origin' })).status, 201);
    assert.equal((await browser.get('/api/v1/keys')).body.pagination.total, 2, 'refused requests changed nothing');
    const crossSiteSignin = await t
      .client()
      .post('/api/v1/auth/signin', { email: 'x@example.com', password: 'whatever it is' }, { headers: { origin: 'https://evil.example' } });
    assert.equal(crossSiteSignin.status, 403);
  });

  test('sign-in is throttled per account: 429 with Retry-After, even for the right password', async () => {
    const { email, password } = await t.client().signup();
    for (let i = 0; i < 10; i++) {
      // Each attempt from its own address, so that only the per-account limit applies.
      const response = await t
        .client()
        .post('/api/v1/auth/signin', { email, password: 'wrong password here' }, { headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
      assert.equal(response.status, 401);
    }
    const blocked = await t.client().post('/api/v1/auth/signin', { email, password }, { headers: { 'x-forwarded-for': '198.51.100.99' } });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.error_id, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 900, String(retryAfter));
  });

  test('sign-in is throttled per IP across accounts', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 50; i++) {
      const response = await t
        .client()
        .post('/api/v1/auth/signin', { email: `spray-${i}@example.com`, password: 'guess number one' }, { headers: { 'x-forwarded-for': ip } });
      assert.equal(response.status, 401, `attempt ${i}`);
    }
    const blocked = await t
      .client()
      .post('/api/v1/auth/signin', { email: 'spray-x@example.com', password: 'guess number one' }, { headers: { 'x-forwarded-for': ip } });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    const elsewhere = await t
      .client()
      .post('/api/v1/auth/signin', { email: 'spray-x@example.com', password: 'guess number one' }, { headers: { 'x-forwarded-for': '203.0.113.8' } });
    assert.equal(elsewhere.status, 401, 'another address is not blocked');
  });
});
