/**
 * Inputs at the edges: NUL characters on both dialects, requests the router or Node's parser
 * refuses, caching of `/v1` and `/api` answers, the audit type filter, and secrets pasted into
 * the wrong field. Every answer is the envelope with its request id, and nothing echoes input.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import type { FastifyError } from 'fastify';
import pino from 'pino';
import { loadConfig } from '../config/config.js';
import { type RunningServer, startServer } from '../server.js';
import { TestClient, type TestResponse } from '../test-support/client.js';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../test-support/database.js';
import { toApiError } from './app.js';
import type { ErrorEnvelope } from './errors.js';

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: ErrorEnvelope | undefined;
  text: string;
}

/** Sends bytes as they are (fetch cannot send a malformed request) and reads until the server closes. */
function rawRequest(url: string, bytes: string): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', text = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      let body: ErrorEnvelope | undefined;
      try {
        body = JSON.parse(text) as ErrorEnvelope;
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, text });
    });
  });
}

function assertEnvelope(response: TestResponse | RawResponse, status: number, errorId: string) {
  assert.equal(response.status, status, response.text.slice(0, 300));
  assert.equal(response.body?.status, false, response.text.slice(0, 300));
  assert.equal(response.body.error.http_status, status);
  assert.equal(response.body.error.error_id, errorId);
  assert.match(response.body.request_id, /^req_/);
  assert.equal(response.headers.get('x-request-id'), response.body.request_id);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.ok(!/\n\s+at /.test(response.text), 'no stack trace');
}

describe(`edges of the input (${TEST_DB})`, () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: TestClient;
  let key: string;
  const logLines: Array<Record<string, unknown>> = [];
  let logText = '';
  before(async () => {
    db = await createTestDatabase();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logText += chunk.toString();
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    server = await startServer(loadConfig({ PORT: '0', ...db.env }), { logger: pino({ level: 'info' }, sink) });
    browser = new TestClient(server.url);
    await browser.signup();
    key = (await browser.createKey('edges')).key;
  });
  after(async () => {
    await server.close();
    await db.drop();
  });
  const app = () => new TestClient(server.url);
  const inference = () => ({ headers: { 'x-api-key': key } });
  const loggedOnce = (requestId: string) => {
    const lines = logLines.filter((line) => line.req_id === requestId);
    assert.ok(lines.length >= 1, `no log line for ${requestId}`);
    assert.ok(!lines.some((line) => typeof line.err === 'object' || line.level === 50), 'logged as an unexpected error');
  };

  test('NUL in every text input that reaches SQL: 422, or 404 for an id in the path, never a 500', async () => {
    // Unauthenticated: sign-in and sign-up.
    assertEnvelope(await app().post('/api/v1/auth/signin', { email: 'a\u0000@example.com', password: 'whatever it is' }), 422, 'INVALID_INPUT');
    assertEnvelope(
      await app().post('/api/v1/auth/signup', { email: 'b\u0000@example.com', password: 'a long passphrase', name: 'B' }),
      422,
      'INVALID_INPUT',
    );
    assertEnvelope(
      await app().post('/api/v1/auth/signup', { email: 'c@example.com', password: 'a long passphrase', name: 'C\u0000' }),
      422,
      'INVALID_INPUT',
    );
    // Ids in the path.
    for (const path of ['/api/v1/keys/%00', '/api/v1/keys/key_%00', '/api/v1/tokens/%00', '/api/v1/tokens/tok_a%00b']) {
      assertEnvelope(await browser.get(path), 404, 'NOT_FOUND');
    }
    assertEnvelope(await browser.delete('/api/v1/keys/%00'), 404, 'NOT_FOUND');
    assertEnvelope(await browser.post('/api/v1/keys/%00/rotate', {}), 404, 'NOT_FOUND');
    assertEnvelope(await browser.delete('/api/v1/tokens/%00'), 404, 'NOT_FOUND');
    assertEnvelope(await app().get('/v1/predictions/%00', inference()), 404, 'NOT_FOUND');
    assertEnvelope(await app().request('DELETE', '/v1/predictions/pred_%00', inference()), 404, 'NOT_FOUND');
    // Filters.
    for (const path of ['/api/v1/usage?key_id=%00', '/api/v1/usage/events?key_id=key_%00', '/api/v1/usage/events?cursor=%00']) {
      assertEnvelope(await browser.get(path), 422, 'INVALID_INPUT');
    }
    assertEnvelope(await app().get('/v1/predictions?model=%00', inference()), 422, 'INVALID_INPUT');
    // Bodies.
    assertEnvelope(await app().post('/v1/predictions', { model: 'sandbox-text\u0000', input: { prompt: 'x' } }, inference()), 422, 'INVALID_INPUT');
    assertEnvelope(await browser.post('/api/v1/keys', { name: 'nul\u0000' }), 422, 'INVALID_INPUT');
    assertEnvelope(await browser.post('/api/v1/tokens', { name: 'n', scopes: ['inference\u0000'], expires_in_days: 7 }), 422, 'INVALID_INPUT');
    assert.ok(!logLines.some((line) => line.level === 50), 'an error was logged');
    assert.equal((await app().get('/v1/models', inference())).status, 200);
  });

  test('a PostgreSQL refusal of NUL becomes 422 INVALID_INPUT, not a 500', { skip: TEST_DB !== 'postgres' }, async () => {
    const refusal = await server.ctx.store.db
      .selectFrom('accounts')
      .select('id')
      .where('email_normalized', '=', 'a\u0000b')
      .execute()
      .then(
        () => assert.fail('PostgreSQL accepted NUL'),
        (error: unknown) => error as FastifyError,
      );
    assert.equal(refusal.code, '22021');
    const answer = toApiError(refusal);
    assert.equal(answer.httpStatus, 422);
    assert.equal(answer.errorId, 'INVALID_INPUT');
  });

  test('a 300-character id: the 404 envelope, logged, the path not echoed', async () => {
    const long = `key_${'a'.repeat(300)}`;
    for (const path of [`/api/v1/keys/${long}`, `/api/v1/tokens/${long}/rotate`, `/v1/predictions/${long}`]) {
      const response = await browser.request(path.endsWith('rotate') ? 'POST' : 'GET', path, path.startsWith('/v1') ? inference() : {});
      assertEnvelope(response, 404, 'NOT_FOUND');
      assert.ok(!response.text.includes('aaaaaaaaaa'), 'the path was echoed');
      loggedOnce(response.body.request_id);
    }
    // 65 to 100 characters pass the router and fail the id's schema: the same 404.
    assertEnvelope(await browser.get(`/api/v1/keys/key_${'a'.repeat(80)}`), 404, 'NOT_FOUND');
  });

  test('%ff in the path: the 400 envelope, logged, the path not echoed', async () => {
    for (const path of ['/api/v1/keys/%ff', '/v1/predictions/%ff%fe']) {
      const response = await app().get(path, inference());
      assertEnvelope(response, 400, 'INVALID_REQUEST');
      assert.ok(!response.text.toLowerCase().includes('%ff'), 'the path was echoed');
      loggedOnce(response.body.request_id);
    }
  });

  test('headers over 16 KB: the 431 envelope with a request id, logged without the credential', async () => {
    const response = await app().get('/v1/models', { headers: { 'x-api-key': key, 'x-padding': 'p'.repeat(17 * 1024) } });
    assertEnvelope(response, 431, 'HEADERS_TOO_LARGE');
    loggedOnce(response.body.request_id);
    assert.ok(!logText.includes(key.slice(3)), 'the key was logged');
  });

  test('a request Node cannot parse: the 400 envelope with a request id, logged', async () => {
    const response = await rawRequest(server.url, `GET /v1/models HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nBad Header\r\n\r\n`);
    assertEnvelope(response, 400, 'INVALID_REQUEST');
    loggedOnce(response.headers.get('x-request-id') ?? '');
    assert.ok(!logText.includes(key.slice(3)), 'the key was logged');
    assert.equal((await app().get('/v1/models', inference())).status, 200);
  });

  test('every /v1 and /api answer says Cache-Control: no-store, errors included', async () => {
    const created = await app().post('/v1/predictions', { model: 'sandbox-text', input: { prompt: 'a secret prompt' } }, inference());
    assert.equal(created.status, 201);
    const answers = [
      created,
      await app().get('/v1/models', inference()),
      await app().get(`/v1/predictions/${created.body.id}`, inference()),
      await app().get('/v1/predictions', inference()),
      await app().get('/v1/models'),
      await app().get('/v1/nope', inference()),
      await app().get('/v1'),
      await browser.get('/api/v1/keys'),
      await browser.get('/api/v1/nope'),
      await app().get('/api/v1/keys'),
    ];
    for (const answer of answers) assert.equal(answer.headers.get('cache-control'), 'no-store', `${answer.status} ${answer.text.slice(0, 80)}`);
  });

  test('the audit type filter takes every documented audit event type', async () => {
    const documented = [
      'key.created',
      'key.rotated',
      'key.revoked',
      'token.created',
      'token.rotated',
      'token.revoked',
      'token.expired',
      'token.reuse_after_rotation',
      'token.family_revoked',
      'auth.signin',
      'auth.signin_failed',
      'auth.signout',
      'account.password_changed',
      'credential.leak_reported',
    ];
    for (const type of documented) {
      const response = await browser.get(`/api/v1/audit?type=${type}`);
      assert.equal(response.status, 200, `${type}: ${response.text.slice(0, 200)}`);
    }
    assert.equal((await browser.get('/api/v1/audit?type=key.created')).body.pagination.total, 1);
    assertEnvelope(await browser.get('/api/v1/audit?type=nope'), 422, 'INVALID_INPUT');
  });

  test('a key or a token pasted into the wrong field never comes back in the error', async () => {
    const pastedKey = generateApiKey();
    const pastedToken = generatePersonalAccessToken();
    for (const secret of [pastedKey, pastedToken]) {
      const answers = [
        await browser.post('/api/v1/tokens', { name: 'n', scopes: [secret], expires_in_days: 7 }),
        await browser.post('/api/v1/tokens', { name: 'n', scopes: ['inference', secret], expires_in_days: 7 }),
        await browser.post('/api/v1/tokens', { name: secret.repeat(2), scopes: ['inference'], expires_in_days: 7 }),
        await browser.post('/api/v1/tokens', { name: 'n', scopes: ['inference'], expires_in_days: secret }),
        await browser.post('/api/v1/tokens', { name: 'n', scopes: ['inference'], expires_at: secret }),
        await browser.post('/api/v1/keys', { name: secret.repeat(2) }),
        await app().post('/api/oauth/device', { scope: `inference ${secret}` }),
        await app().post('/api/oauth/device', { scopes: [secret] }),
        await app().post('/v1/predictions', { model: secret, input: {} }, inference()),
        await app().post('/v1/predictions', { model: secret.repeat(2), input: {} }, inference()),
        await app().post('/v1/predictions', { model: 'sandbox-text', input: secret }, inference()),
        await app().post('/api/v1/auth/signin', { email: secret, password: 'x' }),
        await app().post('/api/v1/auth/signin', { email: secret.repeat(8), password: 'x' }),
        await app().post('/api/v1/auth/signup', { email: secret, password: 'a long passphrase', name: 'n' }),
        await app().post('/api/v1/auth/signup', { email: `${secret}@example.com`, password: `${secret}@example.com`, name: secret.repeat(2) }),
        await browser.get(`/api/v1/audit?type=${secret}`),
        await browser.get(`/api/v1/usage?granularity=${secret}`),
        await browser.get(`/api/v1/usage/events?cursor=${secret}`),
        await browser.get(`/api/v1/keys?per_page=${secret}`),
        await browser.get(`/api/v1/keys/${secret}`),
      ];
      for (const answer of answers) {
        assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} ${answer.text.slice(0, 200)}`);
        assert.ok(!answer.text.includes(secret), `the secret came back: ${answer.text}`);
        assert.ok(!answer.text.includes(secret.slice(-20)), `part of the secret came back: ${answer.text}`);
      }
    }
  });
});
