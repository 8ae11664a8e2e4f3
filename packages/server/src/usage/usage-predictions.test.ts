import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../test-support/server.js';

describe('GET /api/v1/usage/predictions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  test("one key's predictions with their charges, newest first; another key's and another account's are not in it", async () => {
    const owner = t.client();
    await owner.signup();
    const leaked = await owner.createKey('leaked');
    const other = await owner.createKey('other');
    const predict = (key: string) =>
      owner.post('/v1/predictions', { model: 'sandbox-image', input: { prompt: 'p' } }, { headers: { 'x-api-key': key } });
    const first = (await predict(leaked.key)).body;
    const second = (await predict(leaked.key)).body;
    await predict(other.key);

    const page = await owner.get(`/api/v1/usage/predictions?key_id=${leaked.id}&per_page=1`);
    assert.equal(page.status, 200);
    assert.equal(page.body.pagination.total, 2);
    assert.equal(page.body.data[0].id, second.id);
    assert.equal(page.body.data[0].model, 'sandbox-image');
    assert.match(page.body.data[0].charge, /^\d+\.\d{4,}$/);
    assert.ok(Number(page.body.data[0].charge) > 0);
    assert.equal((await owner.get(`/api/v1/usage/predictions?key_id=${leaked.id}&page=2&per_page=1`)).body.data[0].id, first.id);
    assert.ok(!page.text.includes('"input"'), 'inputs and outputs are not part of it');

    const stranger = t.client();
    await stranger.signup();
    assert.equal((await stranger.get(`/api/v1/usage/predictions?key_id=${leaked.id}`)).body.pagination.total, 0);
  });

  test('a window outside the predictions is empty; from after to is 422; key_id is required', async () => {
    const owner = t.client();
    await owner.signup();
    const key = await owner.createKey();
    await owner.post('/v1/predictions', { model: 'sandbox-image', input: { prompt: 'p' } }, { headers: { 'x-api-key': key.key } });
    const past = await owner.get(`/api/v1/usage/predictions?key_id=${key.id}&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`);
    assert.equal(past.body.pagination.total, 0);
    const backwards = await owner.get(`/api/v1/usage/predictions?key_id=${key.id}&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z`);
    assert.equal(backwards.status, 422);
    assert.equal((await owner.get('/api/v1/usage/predictions')).status, 422);
  });
});
