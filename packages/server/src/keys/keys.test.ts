import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isCredential } from '@skytells/credentials';
import { startTestServer, type TestServer } from '../test-support/server.js';

describe('API keys', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test('the list searches names, case-insensitively, with % and _ matching only themselves', async () => {
    const alice = t.client();
    await alice.signup();
    for (const name of ['Billing worker', 'billing-cron', 'search 100%', 'search_x', 'searchAx']) await alice.createKey(name);
    const names = async (search: string) => {
      const response = await alice.get(`/api/v1/keys?search=${encodeURIComponent(search)}&per_page=2`);
      assert.equal(response.status, 200);
      return { names: response.body.data.map((key: { name: string }) => key.name), total: response.body.pagination.total };
    };
    assert.deepEqual(await names('BILLING'), { names: ['billing-cron', 'Billing worker'], total: 2 });
    assert.deepEqual(await names('0%'), { names: ['search 100%'], total: 1 });
    assert.deepEqual(await names('h_'), { names: ['search_x'], total: 1 });
    assert.deepEqual(await names('nothing'), { names: [], total: 0 });
    assert.equal((await names('')).total, 5);
    const bob = t.client();
    await bob.signup();
    assert.deepEqual((await bob.get('/api/v1/keys?search=billing')).body.data, [], "another account's keys are never found");
  });

  test('create answers 201 with the secret at `key`, once, and the mask at `masked_key`', async () => {
    const alice = t.client();
    await alice.signup();
    const created = await alice.post('/api/v1/keys', { name: '  production  ' });
    assert.equal(created.status, 201);
    const { key, masked_key, id } = created.body;
    assert.match(key, /^sk-[0-9A-Za-z]{32}$/);
    assert.ok(isCredential(key, 'api_key'));
    assert.equal(masked_key, `sk-${key.slice(3, 7)}…${key.slice(-4)}`);
    assert.equal(created.body.name, 'production');
    assert.equal(created.body.status, 'active');
    assert.equal(created.body.last_used_at, null);
    assert.equal(created.body.revoked_at, null);

    const fetched = await alice.get(`/api/v1/keys/${id}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.key, undefined, 'the secret is never shown again');
    assert.ok(!fetched.text.includes(key));
    assert.deepEqual(Object.keys(fetched.body).sort(), [
      'created_at',
      'id',
      'last_used_at',
      'last_used_ip',
      'last_used_user_agent',
      'masked_key',
      'name',
      'replaced_by',
      'revoked_at',
      'status',
    ]);
  });

  test('lists are {data, pagination}, newest first, with page bounds enforced', async () => {
    const bob = t.client();
    await bob.signup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await bob.createKey(`key ${i}`)).id);
    const page1 = await bob.get('/api/v1/keys?per_page=2');
    assert.equal(page1.status, 200);
    assert.deepEqual(page1.body.pagination, { current_page: 1, per_page: 2, total: 5, last_page: 3 });
    assert.deepEqual(
      page1.body.data.map((k: { id: string }) => k.id),
      [ids[4], ids[3]],
    );
    const page3 = await bob.get('/api/v1/keys?per_page=2&page=3');
    assert.deepEqual(
      page3.body.data.map((k: { id: string }) => k.id),
      [ids[0]],
    );
    for (const bad of ['per_page=0', 'per_page=101', 'page=0', 'page=-1', 'per_page=abc']) {
      const response = await bob.get(`/api/v1/keys?${bad}`);
      assert.equal(response.status, 422, bad);
      assert.equal(response.body.error.error_id, 'INVALID_INPUT');
    }
  });

  test('another account cannot read or revoke a key: 404 exactly like a missing one', async () => {
    const owner = t.client();
    await owner.signup();
    const { id, key } = await owner.createKey();
    const intruder = t.client();
    await intruder.signup();
    const theirs = await intruder.get(`/api/v1/keys/${id}`);
    const missing = await intruder.get('/api/v1/keys/key_doesnotexist');
    assert.equal(theirs.status, 404);
    const strip = (body: any) => ({ ...body, request_id: undefined });
    assert.deepEqual(strip(theirs.body), strip(missing.body));
    assert.equal((await intruder.delete(`/api/v1/keys/${id}`)).status, 404);
    const list = await intruder.get('/api/v1/keys');
    assert.equal(list.body.pagination.total, 0);
    const still = await t.client().get('/v1/models', { headers: { 'x-api-key': key } });
    assert.equal(still.status, 200, 'the intruder did not revoke it');
  });

  test('DELETE revokes at once, answers 200 with the revoked object, and a repeat answers the same', async () => {
    const carol = t.client();
    await carol.signup();
    const { id, key } = await carol.createKey();
    const app = t.client();
    assert.equal((await app.get('/v1/models', { headers: { 'x-api-key': key } })).status, 200);
    const revoked = await carol.delete(`/api/v1/keys/${id}`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    assert.ok(revoked.body.revoked_at);
    const denied = await app.get('/v1/models', { headers: { 'x-api-key': key } });
    assert.equal(denied.status, 401);
    assert.equal(denied.body.error.error_id, 'UNAUTHORIZED');
    const again = await carol.delete(`/api/v1/keys/${id}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, revoked.body);
    const listed = await carol.get(`/api/v1/keys/${id}`);
    assert.equal(listed.body.status, 'revoked', 'the record stays for audit');
  });

  test('names: trimmed, 1–64 characters, no control characters, need not be unique', async () => {
    const dave = t.client();
    await dave.signup();
    const cases: Array<[unknown, number]> = [
      ['x'.repeat(64), 201],
      ['same', 201],
      ['same', 201],
      ['x'.repeat(65), 422],
      ['x'.repeat(10_000), 422],
      ['   ', 422],
      ['', 422],
      ['bad\u0000name', 422],
      ['bad\u0007name', 422],
      ['line\nbreak', 422],
      [42, 422],
      [null, 422],
    ];
    for (const [name, status] of cases) {
      const response = await dave.post('/api/v1/keys', { name });
      assert.equal(response.status, status, JSON.stringify(name).slice(0, 40));
      if (status === 422) {
        assert.equal(response.body.error.error_id, 'INVALID_INPUT');
        assert.match(response.body.error.details, /^name: /);
      }
    }
    assert.equal((await dave.get('/api/v1/keys')).body.pagination.total, 3);
  });

  test('management routes need a session', async () => {
    const anonymous = t.client();
    for (const [method, path] of [
      ['GET', '/api/v1/keys'],
      ['POST', '/api/v1/keys'],
      ['GET', '/api/v1/keys/key_x'],
      ['DELETE', '/api/v1/keys/key_x'],
    ] as const) {
      const response = await anonymous.request(method, path, { body: method === 'POST' ? { name: 'x' } : undefined });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
  });
});
