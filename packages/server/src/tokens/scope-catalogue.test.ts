import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';

describe('GET /api/v1/scopes', () => {
  let plain: TestServer;
  let capped: TestServer;
  before(async () => {
    plain = await startTestServer();
    capped = await startTestServer({ PAT_MAX_LIFETIME_DAYS: '60', PAT_EXTRA_SCOPES: 'billing.read' });
  });
  after(async () => {
    await plain.stop();
    await capped.stop();
  });

  test('every scope with its meaning, and windows that POST /api/v1/tokens accepts', async () => {
    const console = plain.client();
    assert.equal((await console.get('/api/v1/scopes')).status, 401);
    await console.signup();
    const { status, body } = await console.get('/api/v1/scopes');
    assert.equal(status, 200);
    const names = body.data.map((scope: { name: string }) => scope.name);
    assert.ok(names.includes('inference') && names.includes('keys.read') && names.includes('credentials.verify'));
    for (const scope of body.data) assert.ok(scope.description.length > 10, `${scope.name} has a meaning`);
    assert.deepEqual(body.expiration, { windows_days: [7, 30, 60, 90, 365], max_lifetime_days: null, allows_no_expiry: true });
    // What the catalogue offers, the create route takes: every scope at once, no expiry.
    const created = await console.post('/api/v1/tokens', { name: 'all', scopes: names, expires_at: null });
    assert.equal(created.status, 201, created.text);
  });

  test("the operator's cap and extra scopes are what the catalogue says", async () => {
    const console = capped.client();
    await console.signup();
    const { body } = await console.get('/api/v1/scopes');
    assert.equal(body.data.at(-1).name, 'billing.read');
    assert.deepEqual(body.expiration, { windows_days: [7, 30, 60], max_lifetime_days: 60, allows_no_expiry: false });
    assert.equal((await console.post('/api/v1/tokens', { name: 'forever', scopes: ['billing.read'], expires_at: null })).status, 422);
    for (const days of body.expiration.windows_days) {
      assert.equal((await console.post('/api/v1/tokens', { name: `d${days}`, scopes: ['billing.read'], expires_in_days: days })).status, 201);
    }
  });
});
