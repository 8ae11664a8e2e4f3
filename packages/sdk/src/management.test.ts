/**
 * The management client and the device-login helpers against a real server process: every
 * method once, with a personal access token as Bearer; local refusal of a wrong credential.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateApiKey } from '@skytells/credentials';
import { createClient, createManagementClient, type ManagementClient, pollDeviceToken, SkytellsError, startDeviceLogin } from './index.js';
import { type RunningTestServer, startServerProcess } from './server-process.test-support.js';

describe('the management client against a real server', () => {
  let s: RunningTestServer;
  let admin: ManagementClient;
  let adminTokenId: string;
  before(async () => {
    s = await startServerProcess();
    const created = await s.token([
      'keys.read',
      'keys.write',
      'inference',
      'tokens.read',
      'tokens.write',
      'account.read',
      'usage.read',
      'audit.read',
    ]);
    adminTokenId = created.id;
    admin = createManagementClient(created.token, { baseUrl: s.url });
  });
  after(() => s.stop());

  test('keys: create (secret once), list, get, rotate, revoke', async () => {
    const created = await admin.keys.create({ name: 'from the sdk' });
    assert.match(created.key, /^sk-[0-9A-Za-z]{32}$/);
    const page = await admin.keys.list({ per_page: 10 });
    assert.ok(page.data.some((key) => key.id === created.id));
    assert.ok(!JSON.stringify(page).includes(created.key), 'a list never holds the secret');
    assert.equal((await admin.keys.get(created.id)).masked_key, created.masked_key);
    const rotated = await admin.keys.rotate(created.id, { grace_period_seconds: 0 });
    assert.notEqual(rotated.key, created.key);
    assert.equal((await admin.keys.revoke(rotated.id)).status, 'revoked');
    const refused = await createClient(rotated.key, { baseUrl: `${s.url}/v1` })
      .listModels()
      .then(
        () => undefined,
        (error: SkytellsError) => error,
      );
    assert.equal(refused?.httpStatus, 401);
  });

  test('account, usage (aggregates and every event across cursor pages) and audit', async () => {
    const account = await admin.account.get();
    assert.match(account.id, /^acct_/);
    const key = await admin.keys.create({ name: 'usage' });
    const inference = createClient(key.key, { baseUrl: `${s.url}/v1` });
    for (let i = 0; i < 3; i++) await inference.predict({ model: 'sandbox-text', input: { prompt: `n${i}` } });
    // Usage is recorded in batches; the server flushes them every second or so.
    let events: Awaited<ReturnType<typeof admin.usage.eventsPage>>['data'] = [];
    for (let tries = 0; tries < 50 && events.reduce((sum, e) => sum + e.predictions, 0) < 3; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      events = [];
      for await (const event of admin.usage.events({ key_id: key.id })) events.push(event);
    }
    assert.equal(
      events.reduce((sum, e) => sum + e.predictions, 0),
      3,
    );
    const usage = await admin.usage.get({ key_id: key.id });
    assert.equal(usage.totals.predictions, 3);
    const audit = await admin.audit.list({ type: 'key.created' });
    assert.ok(audit.data.some((event) => event.target?.id === key.id));
  });

  test('tokens: list, get, rotateSelf (the new secret works, the old one stops), revoke', async () => {
    const list = await admin.tokens.list();
    assert.ok(list.data.some((token) => token.id === adminTokenId));
    assert.equal((await admin.tokens.get(adminTokenId)).id, adminTokenId);
    const victim = await s.token(['projects.read']);
    assert.equal((await admin.tokens.revoke(victim.id)).status, 'revoked');
    const rotated = await admin.tokens.rotateSelf({ scopes: ['account.read', 'tokens.write'] });
    assert.deepEqual(rotated.scopes, ['account.read', 'tokens.write']);
    const next = createManagementClient(rotated.token, { baseUrl: s.url });
    assert.equal((await next.account.get()).id, (await s.console.get('/api/v1/account')).body.id);
    const old = await admin.account.get().catch((error: SkytellsError) => error);
    assert.ok(old instanceof SkytellsError && old.httpStatus === 401);
    assert.equal('create' in next.tokens, false, 'no PAT mints a PAT');
  });

  test('an API key, or a malformed token, is refused locally', async () => {
    for (const wrong of [generateApiKey(), 'sk_pat_123', '']) {
      const error = await createManagementClient(wrong, { baseUrl: s.url })
        .account.get()
        .catch((e: SkytellsError) => e);
      assert.ok(error instanceof SkytellsError);
      assert.equal(error.errorId, 'INVALID_CREDENTIAL');
      assert.equal(error.httpStatus, 0);
    }
  });

  test('device login: start, the user approves in the console, the poll gets the token', async () => {
    const authorization = await startDeviceLogin({ baseUrl: s.url, scopes: ['account.read'], clientName: 'SDK test' });
    assert.match(authorization.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    const polling = pollDeviceToken(authorization, { baseUrl: s.url });
    const approved = await s.console.post(`/api/oauth/device/${authorization.user_code}/approve`, {});
    assert.equal(approved.status, 200, approved.text);
    const token = await polling;
    assert.deepEqual(token.scopes, ['account.read']);
    assert.match((await createManagementClient(token.access_token, { baseUrl: s.url }).account.get()).id, /^acct_/);
  });

  test('device login: a denial ends the poll with access_denied', async () => {
    const authorization = await startDeviceLogin({ baseUrl: s.url, scopes: ['account.read'] });
    const polling = pollDeviceToken(authorization, { baseUrl: s.url }).catch((error: SkytellsError) => error);
    assert.equal((await s.console.post(`/api/oauth/device/${authorization.user_code}/deny`, {})).status, 200);
    const error = await polling;
    assert.ok(error instanceof SkytellsError);
    assert.equal(error.errorId, 'access_denied');
  });
});
