import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../test-support/client.js';
import { ManualClock, startTestServer, type TestServer } from '../test-support/server.js';
import { bearer, createToken } from '../test-support/tokens.js';
import { recordExpiryNotices } from './expiry-notices.js';

const DAY = 86_400_000;

const auditTypes = async (console: TestClient) => (await console.get('/api/v1/audit?per_page=100')).body.data.map((e: { type: string }) => e.type);

describe('personal access tokens', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    t = await startTestServer({}, { clock });
  });
  after(() => t.stop());

  test('a keys.read token lists keys, cannot create one (403 naming keys.write), cannot mint tokens', async () => {
    const console = t.client();
    await console.signup();
    const { token, scopes } = await createToken(console, { scopes: ['keys.read'] });
    assert.match(token, /^sk_pat_[0-9a-f]{64}$/);
    assert.deepEqual(scopes, ['keys.read']);
    const cli = bearer(t, token);
    assert.equal((await cli.get('/api/v1/keys')).status, 200);
    const create = await cli.post('/api/v1/keys', { name: 'nope' });
    assert.equal(create.status, 403);
    assert.ok(create.headers.get('x-token-expires-at'), 'a 403 to a token says when it expires too');
    assert.equal(create.body.error.error_id, 'FORBIDDEN');
    assert.deepEqual(create.body.error.accepted_scopes, ['keys.write', 'inference']);
    assert.match(create.headers.get('x-accepted-scopes')!, /keys\.write/);
    const mint = await cli.post('/api/v1/tokens', { name: 'child', scopes: ['keys.read'], expires_in_days: 7 });
    assert.equal(mint.status, 403, 'a PAT can never create a PAT');
    assert.equal((await cli.get('/api/v1/tokens')).status, 403, 'tokens.read is another scope');
    const listed = await console.get('/api/v1/tokens');
    assert.equal(listed.body.pagination.total, 1);
    assert.equal(listed.body.data[0].last_used_at, null);
    await t.server.flushBatches();
    const used = (await console.get('/api/v1/tokens')).body.data[0];
    assert.equal(used.last_used_at, new Date(clock.now()).toISOString(), "last use is batched like a key's");
    assert.equal(used.last_used_ip, '127.0.0.1');
  });

  test('creating a key with a token needs keys.write and inference', async () => {
    const console = t.client();
    await console.signup();
    const writeOnly = bearer(t, (await createToken(console, { scopes: ['keys.write'] })).token);
    assert.equal((await writeOnly.post('/api/v1/keys', { name: 'k' })).status, 403);
    const both = bearer(t, (await createToken(console, { scopes: ['keys.write', 'inference'] })).token);
    const created = await both.post('/api/v1/keys', { name: 'k' });
    assert.equal(created.status, 201);
    assert.equal((await both.delete(`/api/v1/keys/${created.body.id}`)).status, 200);
  });

  test('expiration windows, custom dates, no expiry, and bad input', async () => {
    const console = t.client();
    await console.signup();
    for (const days of [7, 30, 60, 90, 365]) {
      const created = await createToken(console, { scopes: ['account.read'], expires_in_days: days });
      const stored = (await console.get(`/api/v1/tokens/${created.id}`)).body;
      assert.equal(Date.parse(stored.expires_at), clock.now() + days * DAY);
    }
    const custom = new Date(clock.now() + 12 * DAY).toISOString();
    const withDate = await console.post('/api/v1/tokens', { name: 'date', scopes: ['account.read'], expires_at: custom });
    assert.equal(withDate.body.expires_at, custom);
    const forever = await console.post('/api/v1/tokens', { name: 'forever', scopes: ['account.read'], expires_at: null });
    assert.equal(forever.status, 201);
    assert.equal(forever.body.expires_at, null);
    const cases: Array<Record<string, unknown>> = [
      { name: 'none given', scopes: ['account.read'] },
      { name: 'both', scopes: ['account.read'], expires_in_days: 7, expires_at: null },
      { name: 'odd window', scopes: ['account.read'], expires_in_days: 10 },
      { name: 'past', scopes: ['account.read'], expires_at: new Date(clock.now() - 1000).toISOString() },
      { name: 'unknown scope', scopes: ['account.read', 'root'], expires_in_days: 7 },
      { name: 'no scopes', scopes: [], expires_in_days: 7 },
    ];
    for (const body of cases) {
      const response = await console.post('/api/v1/tokens', body);
      assert.equal(response.status, 422, String(body.name));
      assert.equal(response.body.error.error_id, 'INVALID_INPUT');
    }
  });

  test('responses to token requests carry x-token-expires-at; expiry is a plain 401, announced in the audit log', async () => {
    const console = t.client();
    await console.signup();
    const { id, token } = await createToken(console, { scopes: ['account.read', 'tokens.read'], expires_in_days: 7 });
    const cli = bearer(t, token);
    const ok = await cli.get('/api/v1/account');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-token-expires-at'), new Date(clock.now() + 7 * DAY).toISOString());
    assert.equal((await cli.get('/api/v1/tokens')).body.data[0].expiring_soon, true);

    await recordExpiryNotices(t.server.ctx.store.db, clock.now());
    await recordExpiryNotices(t.server.ctx.store.db, clock.now());
    assert.equal((await auditTypes(console)).filter((type: string) => type === 'token.expiring_soon').length, 1, 'warned once');

    clock.advance(7 * DAY);
    const expired = await cli.get('/api/v1/account');
    const unknown = await bearer(t, `sk_pat_${'0'.repeat(64)}`).get('/api/v1/account');
    assert.equal(expired.status, 401);
    assert.deepEqual({ ...expired.body, request_id: 0 }, { ...unknown.body, request_id: 0 }, 'expired looks like any invalid credential');
    assert.equal((await console.get(`/api/v1/tokens/${id}`)).body.status, 'expired');
    await recordExpiryNotices(t.server.ctx.store.db, clock.now());
    assert.ok((await auditTypes(console)).includes('token.expired'));
    const notifications = await t.server.ctx.store.db.selectFrom('notifications').select('type').where('subject_id', '=', id).execute();
    assert.deepEqual(notifications.map((n) => n.type).sort(), ['token.expired', 'token.expiring_soon']);
  });

  test('rotation with a grace period; a late use is reported; using the old token to rotate revokes the family', async () => {
    const console = t.client();
    await console.signup();
    const first = await createToken(console, { scopes: ['tokens.write', 'account.read'], expires_in_days: 30 });
    const old = bearer(t, first.token);
    const wider = await old.post('/api/v1/tokens/self/rotate', { scopes: ['tokens.write', 'account.read', 'keys.write'] });
    assert.equal(wider.status, 403, 'a rotation cannot widen the scopes');
    const rotated = await old.post('/api/v1/tokens/self/rotate', { grace_period_seconds: 3600 });
    assert.equal(rotated.status, 201, rotated.text);
    assert.deepEqual(rotated.body.scopes, ['tokens.write', 'account.read']);
    const next = bearer(t, rotated.body.token);
    assert.equal((await old.get('/api/v1/account')).status, 200, 'the old token works inside the window');
    assert.equal((await next.get('/api/v1/account')).status, 200);

    clock.advance(3600 * 1000 + 1);
    assert.equal((await old.get('/api/v1/account')).status, 401, 'after the window the old one is refused');
    assert.equal((await next.get('/api/v1/account')).status, 200, 'the new one still works');
    await t.server.flushBatches();
    assert.ok((await auditTypes(console)).includes('token.reuse_after_rotation'));

    assert.equal((await old.post('/api/v1/tokens/self/rotate', {})).status, 401);
    assert.equal((await next.get('/api/v1/account')).status, 401, 'the whole family is revoked');
    const audit = (await console.get('/api/v1/audit?type=token.family_revoked')).body.data;
    assert.equal(audit.length, 1);
    assert.match(audit[0].metadata.reason, /rotated-out token was used to rotate/);
  });

  test('a token of any scopes reads and revokes itself at tokens/self; a session cannot', async () => {
    const console = t.client();
    await console.signup();
    const { id, token } = await createToken(console, { scopes: ['keys.read'] });
    const own = bearer(t, token);
    const read = await own.get('/api/v1/tokens/self');
    assert.equal(read.status, 200, read.text);
    assert.equal(read.body.id, id);
    assert.deepEqual(read.body.scopes, ['keys.read']);
    assert.ok(!read.text.includes(token), 'never the secret');
    assert.equal((await console.get('/api/v1/tokens/self')).status, 400, 'a session has no presenting token');
    assert.equal((await console.delete('/api/v1/tokens/self')).status, 400);
    const revoked = await own.delete('/api/v1/tokens/self');
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.status, 'revoked');
    assert.equal((await own.get('/api/v1/tokens/self')).status, 401, 'revoked at once');
    assert.equal((await own.delete('/api/v1/tokens/self')).status, 401);
    assert.ok((await auditTypes(console)).includes('token.revoked'));
  });

  test('a console session rotates any token; narrower scopes are fine; a rotated token cannot be rotated twice', async () => {
    const console = t.client();
    await console.signup();
    const original = await createToken(console, { scopes: ['keys.read', 'account.read'] });
    const rotated = await console.post(`/api/v1/tokens/${original.id}/rotate`, { scopes: ['keys.read'] });
    assert.equal(rotated.status, 201);
    assert.deepEqual(rotated.body.scopes, ['keys.read']);
    assert.equal((await bearer(t, original.token).get('/api/v1/keys')).status, 401, 'default grace is 0: the old one stops now');
    assert.equal((await console.post(`/api/v1/tokens/${original.id}/rotate`, {})).status, 409);
  });

  test('API key rotation: both keys work inside the grace window, only the new one after it', async () => {
    const console = t.client();
    await console.signup();
    const { id, key } = await console.createKey('rotating');
    const rotated = await console.post(`/api/v1/keys/${id}/rotate`, { grace_period_seconds: 600 });
    assert.equal(rotated.status, 201);
    assert.equal(rotated.body.name, 'rotating');
    const app = t.client();
    const use = (k: string) => app.get('/v1/models', { headers: { 'x-api-key': k } });
    assert.equal((await use(key)).status, 200);
    assert.equal((await use(rotated.body.key)).status, 200);
    clock.advance(600 * 1000);
    assert.equal((await use(key)).status, 401);
    assert.equal((await use(rotated.body.key)).status, 200);
    const old = (await console.get(`/api/v1/keys/${id}`)).body;
    assert.equal(old.status, 'revoked');
    assert.equal(old.replaced_by, rotated.body.id);
    assert.equal((await console.post(`/api/v1/keys/${id}/rotate`, { grace_period_seconds: 8 * 86400 })).status, 422);
  });

  test('a token with inference calls /v1; an API key never authenticates /api/v1', async () => {
    const console = t.client();
    await console.signup();
    const inference = bearer(t, (await createToken(console, { scopes: ['inference'] })).token);
    assert.equal((await inference.get('/v1/models')).status, 200);
    const other = bearer(t, (await createToken(console, { scopes: ['account.read'] })).token);
    const refused = await other.get('/v1/models');
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.error.accepted_scopes, ['inference']);
    const { key } = await console.createKey();
    assert.equal((await bearer(t, key).get('/api/v1/keys')).status, 401);
  });
});

describe('the device authorization grant', () => {
  let t: TestServer;
  const clock = new ManualClock(Date.now());
  before(async () => {
    t = await startTestServer({}, { clock });
  });
  after(() => t.stop());

  const poll = (deviceCode: string) =>
    t.client().request('POST', '/api/oauth/token', {
      rawBody: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      noOrigin: true,
    });

  test('a full run: codes, pending, slow_down, approval in the console, one token with exactly those scopes', async () => {
    const start = await t.client().request('POST', '/api/oauth/device', {
      rawBody: new URLSearchParams({ client_name: 'Skytells CLI', scope: 'account.read keys.read' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      noOrigin: true,
    });
    assert.equal(start.status, 200, start.text);
    const { device_code, user_code, verification_uri, verification_uri_complete, expires_in, interval } = start.body;
    assert.match(user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(verification_uri, `${t.url}/device`);
    assert.equal(verification_uri_complete, `${t.url}/device?user_code=${user_code}`);
    assert.equal(expires_in, 900);
    assert.equal(interval, 5);

    const pending = await poll(device_code);
    assert.equal(pending.status, 400);
    assert.deepEqual(Object.keys(pending.body).sort(), ['error', 'error_description']);
    assert.equal(pending.body.error, 'authorization_pending');
    assert.equal((await poll(device_code)).body.error, 'slow_down', 'polled faster than the interval');

    const browser = t.client();
    await browser.signup();
    const seen = await browser.get(`/api/oauth/device/${user_code.toLowerCase().replace('-', ' ')}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.client_name, 'Skytells CLI');
    assert.deepEqual(seen.body.scopes, ['account.read', 'keys.read']);
    assert.equal((await browser.post(`/api/oauth/device/${user_code}/approve`, undefined, { noOrigin: true })).status, 403, 'CSRF applies');
    assert.equal((await browser.post(`/api/oauth/device/${user_code}/approve`)).status, 200);

    clock.advance(10_000);
    const issued = await poll(device_code);
    assert.equal(issued.status, 200, issued.text);
    assert.equal(issued.body.token_type, 'bearer');
    assert.equal(issued.body.scope, 'account.read keys.read');
    assert.deepEqual(issued.body.scopes, ['account.read', 'keys.read']);
    assert.ok(issued.body.expires_in > 0);
    const cli = bearer(t, issued.body.access_token);
    const me = await cli.get('/api/v1/account');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, (await browser.get('/api/v1/account')).body.email, 'the token belongs to the approving account');
    assert.equal((await cli.get('/api/v1/keys')).status, 200);
    assert.equal((await cli.post('/api/v1/keys', { name: 'x' })).status, 403);

    clock.advance(10_000);
    const again = await poll(device_code);
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant', 'a device code yields one token');
    assert.ok((await auditTypes(browser)).includes('token.created'));
  });

  test('denied, expired, unknown codes, a token trying to approve, and guessing throttled', async () => {
    const start = async () => (await t.client().post('/api/oauth/device', { client_name: 'cli', scopes: ['account.read'] }, { noOrigin: true })).body;
    const browser = t.client();
    await browser.signup();

    const denied = await start();
    assert.equal((await browser.post(`/api/oauth/device/${denied.user_code}/deny`)).status, 200);
    clock.advance(10_000);
    assert.equal((await poll(denied.device_code)).body.error, 'access_denied');

    const expiring = await start();
    clock.advance(901_000);
    assert.equal((await poll(expiring.device_code)).body.error, 'expired_token');
    assert.equal((await browser.get(`/api/oauth/device/${expiring.user_code}`)).status, 404);

    assert.equal((await poll('not-a-code')).body.error, 'invalid_grant');
    const wrongGrant = await t.client().post('/api/oauth/token', { grant_type: 'password' }, { noOrigin: true });
    assert.equal(wrongGrant.body.error, 'unsupported_grant_type');

    const tokenHolder = (await browser.post('/api/v1/tokens', { name: 'all', scopes: ['tokens.write', 'account.read'], expires_in_days: 7 })).body
      .token;
    const fresh = await start();
    const byToken = await bearer(t, tokenHolder).post(`/api/oauth/device/${fresh.user_code}/approve`);
    assert.equal(byToken.status, 403, 'only a console session approves');

    const guesser = t.client();
    await guesser.signup();
    let limited = false;
    for (let i = 0; i < 12 && !limited; i++) {
      const response = await guesser.get(`/api/oauth/device/BBBB-BBB${'BCDFGHJKLMNP'[i]}`);
      limited = response.status === 429;
    }
    assert.ok(limited, 'wrong codes are throttled');
  });

  test('the /device page is served, may not be framed, and runs only its own script', async () => {
    const page = await t.client().get('/device?user_code=BCDF-GHJK');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.match(page.headers.get('content-security-policy')!, /script-src 'sha256-/);
    assert.match(page.text, /Approve/);
  });
});
