import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const run = promisify(execFile);
const ADMIN = fileURLToPath(new URL('../../dist/admin.js', import.meta.url));

describe('inference, usage attribution and audit', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ BATCH_FLUSH_INTERVAL_MS: '5000' });
  });
  after(() => t.stop());

  const predict = (app: TestClient, key: string, model: string, input: unknown = { prompt: 'hello' }) =>
    app.post('/v1/predictions', { model, input }, { headers: { 'x-api-key': key } });

  test("a new user's flow: predictions, usage, events, then revocation in the audit log", async () => {
    const owner = t.client();
    await owner.signup();
    const { id: keyId, key } = await owner.createKey('curl');
    const app = t.client();
    const created = [];
    for (const model of ['sandbox-text', 'sandbox-image', 'sandbox-text']) {
      const response = await predict(app, key, model);
      assert.equal(response.status, 201, response.text);
      assert.equal(response.body.status, 'succeeded');
      assert.equal(response.body.sandbox, true);
      created.push(response.body);
    }
    assert.deepEqual(
      created.map((p) => p.charge),
      ['0.0010', '0.0025', '0.0010'],
    );
    await t.server.flushBatches();

    const usage = await owner.get(`/api/v1/usage?key_id=${keyId}`);
    assert.equal(usage.status, 200);
    assert.deepEqual(usage.body.totals, { requests: 3, predictions: 3, errors: 0, charge: '0.0045' });
    assert.equal(usage.body.data.length, 1);
    assert.equal(usage.body.data[0].key_id, keyId);

    // The three requests: one group per model (their minute is the same unless it turned meanwhile).
    const events = await owner.get(`/api/v1/usage/events?key_id=${keyId}`);
    const byModel = new Map<string, { requests: number; predictions: number; charge: string }>();
    for (const group of events.body.data) {
      assert.equal(group.ip, '127.0.0.1');
      assert.ok(Date.parse(group.minute) % 60_000 === 0);
      assert.equal(group.method, 'POST');
      assert.equal(group.route, '/v1/predictions');
      assert.equal(group.status_code, 201);
      const seen = byModel.get(group.model) ?? { requests: 0, predictions: 0, charge: '0' };
      byModel.set(group.model, { requests: seen.requests + group.requests, predictions: seen.predictions + group.predictions, charge: group.charge });
    }
    assert.deepEqual(
      [...byModel].sort(([a], [b]) => a.localeCompare(b)).map(([model, g]) => [model, g.requests, g.predictions]),
      [
        ['sandbox-image', 1, 1],
        ['sandbox-text', 2, 2],
      ],
    );

    await owner.delete(`/api/v1/keys/${keyId}`);
    const audit = await owner.get('/api/v1/audit');
    const lifecycle = audit.body.data.filter((e: { target: { id: string } | null }) => e.target?.id === keyId);
    assert.deepEqual(
      lifecycle.map((e: { type: string }) => e.type),
      ['key.revoked', 'key.created'],
    );
    for (const e of lifecycle) {
      assert.ok(Date.parse(e.created_at) > 0);
      assert.equal(e.ip, '127.0.0.1');
      assert.ok(e.actor.id);
    }
  });

  test('two keys are attributed separately, and another account sees none of it', async () => {
    const owner = t.client();
    await owner.signup();
    const first = await owner.createKey('first');
    const second = await owner.createKey('second');
    const app = t.client();
    await predict(app, first.key, 'sandbox-text');
    await predict(app, second.key, 'sandbox-image');
    await predict(app, second.key, 'sandbox-image');
    const prediction = (await predict(app, second.key, 'sandbox-text')).body;
    await t.server.flushBatches();
    const usage = await owner.get('/api/v1/usage');
    const byKey = Object.fromEntries(usage.body.data.map((row: { key_id: string }) => [row.key_id, row]));
    assert.equal(byKey[first.id].predictions, 1);
    assert.equal(byKey[first.id].charge, '0.0010');
    assert.equal(byKey[second.id].predictions, 3);
    assert.equal(byKey[second.id].charge, '0.0060');
    assert.equal(usage.body.totals.charge, '0.0070');

    const stranger = t.client();
    await stranger.signup();
    assert.deepEqual((await stranger.get('/api/v1/usage')).body.data, []);
    assert.deepEqual((await stranger.get(`/api/v1/usage/events?key_id=${first.id}`)).body.data, []);
    assert.deepEqual((await stranger.get('/api/v1/audit')).body.data, []);
    const strangerKey = await stranger.createKey();
    const theirs = await app.get(`/v1/predictions/${prediction.id}`, { headers: { 'x-api-key': strangerKey.key } });
    assert.equal(theirs.status, 404);
    assert.equal((await app.get('/v1/predictions', { headers: { 'x-api-key': strangerKey.key } })).body.pagination.total, 0);
    assert.equal((await app.delete(`/v1/predictions/${prediction.id}`, { headers: { 'x-api-key': strangerKey.key } })).status, 404);
  });

  test('models: list, get with input schema, unknown, plan and input checks', async () => {
    const owner = t.client();
    const { email } = await owner.signup();
    const { key } = await owner.createKey();
    const app = t.client();
    const headers = { 'x-api-key': key };
    const model = await app.get('/v1/models/sandbox-image', { headers });
    assert.equal(model.status, 200);
    assert.equal(model.body.input_schema.type, 'object');
    assert.equal(model.body.pricing.price, '0.0025');
    const unknown = await app.get('/v1/models/no-such-model', { headers });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.error_id, 'MODEL_NOT_FOUND');
    assert.equal((await predict(app, key, 'no-such-model')).body.error.error_id, 'MODEL_NOT_FOUND');

    const notInPlan = await predict(app, key, 'sandbox-video-pro');
    assert.equal(notInPlan.status, 403);
    assert.equal(notInPlan.body.error.error_id, 'FORBIDDEN');

    const badInputs: Array<[unknown, string]> = [
      [{}, 'input.prompt'],
      [{ prompt: 7 }, 'input.prompt'],
      [{ prompt: 'x', width: 10 }, 'input.width'],
      [{ prompt: 'x', colour: 'red' }, 'input.colour'],
    ];
    for (const [input, field] of badInputs) {
      const response = await predict(app, key, 'sandbox-image', input);
      assert.equal(response.status, 422, JSON.stringify(input));
      assert.match(response.body.error.details, new RegExp(`^${field.replace('.', '\\.')}: `));
    }

    const { stdout } = await run(process.execPath, [ADMIN, 'set-plan', email.toUpperCase(), 'pro'], { env: { ...process.env, ...t.db.env } });
    assert.match(stdout, /now on plan pro/);
    assert.equal((await owner.get('/api/v1/account')).body.plan, 'pro');
    assert.equal((await predict(app, key, 'sandbox-video-pro')).status, 201);
  });

  test('predictions: list with filters, get, cancel, delete, and the legacy alias', async () => {
    const owner = t.client();
    await owner.signup();
    const { key } = await owner.createKey();
    const app = t.client();
    const headers = { 'x-api-key': key };
    const a = (await predict(app, key, 'sandbox-text')).body;
    const b = (await app.post('/v1/predict', { model: 'sandbox-image', input: { prompt: 'p' } }, { headers })).body;
    assert.equal(b.model, 'sandbox-image');
    const all = await app.get('/v1/predictions', { headers });
    assert.deepEqual(
      all.body.data.map((p: { id: string }) => p.id),
      [b.id, a.id],
    );
    const images = await app.get('/v1/predictions?model=sandbox-image', { headers });
    assert.deepEqual(
      images.body.data.map((p: { id: string }) => p.id),
      [b.id],
    );
    const future = await app.get(`/v1/predictions?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, { headers });
    assert.equal(future.body.pagination.total, 0);
    assert.equal((await app.get(`/v1/predictions/${a.id}`, { headers })).body.output.text, '[sandbox sandbox-text] hello');

    const cancel = await app.post(`/v1/predictions/${a.id}/cancel`, undefined, { headers });
    assert.equal(cancel.status, 409, 'a finished prediction cannot be canceled');

    const deleted = await app.delete(`/v1/predictions/${a.id}`, { headers });
    assert.deepEqual(deleted.body, { id: a.id, deleted: true });
    assert.deepEqual((await app.delete(`/v1/predictions/${a.id}`, { headers })).body, { id: a.id, deleted: true });
    assert.equal((await app.get(`/v1/predictions/${a.id}`, { headers })).status, 404);
    assert.deepEqual(
      (await app.get('/v1/predictions', { headers })).body.data.map((p: { id: string }) => p.id),
      [b.id],
    );
  });

  test('audit: sign-in, failed sign-in, sign-out and password change, filtered by type and time', async () => {
    const browser = t.client();
    const { email, password } = await browser.signup();
    await t.client().post('/api/v1/auth/signin', { email, password: 'not the right one' });
    const other = t.client();
    await other.post('/api/v1/auth/signin', { email, password });
    await other.post('/api/v1/auth/signout');
    await browser.post('/api/v1/account/password', { current_password: password, new_password: 'a completely new password' });
    const types = (await browser.get('/api/v1/audit')).body.data.map((e: { type: string }) => e.type);
    assert.deepEqual(types, ['account.password_changed', 'auth.signout', 'auth.signin', 'auth.signin_failed']);
    const failed = await browser.get('/api/v1/audit?type=auth.signin_failed');
    assert.equal(failed.body.pagination.total, 1);
    const later = await browser.get(`/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    assert.equal(later.body.pagination.total, 0);
    assert.equal((await browser.get('/api/v1/audit?type=made.up')).status, 422);
    for (const method of ['DELETE', 'PUT', 'PATCH'] as const) {
      assert.equal((await browser.request(method, '/api/v1/audit')).status, 405, `${method} cannot change the audit log`);
    }
  });
});
