import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../test-support/client.js';
import { createTestDatabase, type TestDatabase } from '../test-support/database.js';
import { type ServerProcess, spawnServer } from '../test-support/server.js';

describe('logs at LOG_LEVEL=debug', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  before(async () => {
    db = await createTestDatabase();
    server = await spawnServer({ ...db.env, LOG_LEVEL: 'debug' });
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await db.drop();
  });

  test('one line per request at least, with its request id, and no secret anywhere', async () => {
    const browser = new TestClient(server.url);
    const requestIds: string[] = [];
    const remember = <T extends { headers: Headers }>(response: T) => {
      requestIds.push(response.headers.get('x-request-id')!);
      return response;
    };
    remember(await browser.post('/api/v1/auth/signup', { email: 'logs@example.com', password: 'a long enough password', name: 'Logs' }));
    const session = browser.cookie!.split('=')[1]!;
    const created = remember(await browser.post('/api/v1/keys', { name: 'logged' }));
    const key: string = created.body.key;
    const body = key.slice(3);
    const app = new TestClient(server.url);
    remember(await app.get('/v1/models', { headers: { 'x-api-key': key } }));
    remember(await app.get(`/v1/models?api_key=${key}`, { headers: { 'x-api-key': key } }));
    remember(await app.get(`/v1/${key}`));
    remember(await app.get('/v1/models', { headers: { 'x-api-key': `${key.slice(0, -1)}x` } }));
    remember(await app.post('/api/v1/keys', { name: key }, { headers: { cookie: `skytells_session=${session}` } }));
    remember(await browser.post('/api/v1/auth/signin', { email: 'logs@example.com', password: key }));
    remember(await browser.delete(`/api/v1/keys/${created.body.id}`));
    remember(await app.get('/v1/models', { headers: { 'x-api-key': key } }));

    // The last line of the last request may still be in the logger's buffer: SIGTERM flushes it.
    server.child.kill('SIGTERM');
    await server.exited;
    const output = server.output();
    const lines = output
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    for (const id of requestIds) {
      assert.ok(
        lines.some((line) => line.req_id === id),
        `no log line for ${id}`,
      );
    }
    assert.ok(!output.includes(key), 'a full key was logged');
    assert.ok(!output.includes(body), 'a key body was logged');
    assert.ok(!output.includes(body.slice(0, 26)), 'the random part of a key was logged');
    assert.ok(!output.includes(session), 'a session cookie was logged');
    assert.ok(output.includes(`sk-${body.slice(0, 4)}…${body.slice(-4)}`), 'a key in a URL is logged masked');
  });
});
