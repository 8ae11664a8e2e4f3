/**
 * The route → scope table, written by hand on purpose: a new route that is not in it fails
 * this test, and every route is tried with its required scopes and with some other scope.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

/**
 * `session`: a console session only; `public`: no credential; otherwise the scopes a token
 * needs (none: any token, and only a token, for the routes about the presenting token itself).
 */
const ROUTE_SCOPES: Record<string, readonly string[] | 'session' | 'public'> = {
  'POST /api/v1/auth/signup': 'public',
  'POST /api/v1/auth/signin': 'public',
  'POST /api/v1/auth/signout': 'session',
  'GET /api/v1/account': ['account.read'],
  'POST /api/v1/account/password': 'session',
  'GET /api/v1/keys': ['keys.read'],
  'POST /api/v1/keys': ['keys.write', 'inference'],
  'GET /api/v1/keys/{id}': ['keys.read'],
  'DELETE /api/v1/keys/{id}': ['keys.write'],
  'POST /api/v1/keys/{id}/rotate': ['keys.write', 'inference'],
  'GET /api/v1/tokens': ['tokens.read'],
  'POST /api/v1/tokens': 'session',
  'GET /api/v1/tokens/{id}': ['tokens.read'],
  'DELETE /api/v1/tokens/{id}': ['tokens.write'],
  'POST /api/v1/tokens/{id}/rotate': 'session',
  'POST /api/v1/tokens/self/rotate': ['tokens.write'],
  'GET /api/v1/tokens/self': [],
  'DELETE /api/v1/tokens/self': [],
  'GET /api/v1/usage': ['usage.read'],
  'GET /api/v1/usage/events': ['usage.read'],
  'GET /api/v1/usage/predictions': ['usage.read'],
  'GET /api/v1/audit': ['audit.read'],
  'POST /api/oauth/device': 'public',
  'POST /api/oauth/token': 'public',
  'GET /api/oauth/device/{user_code}': 'session',
  'POST /api/oauth/device/{user_code}/approve': 'session',
  'POST /api/oauth/device/{user_code}/deny': 'session',
  'GET /api/v1/scopes': ['tokens.read'],
  'GET /api/v1/notifications': ['account.read'],
  'POST /api/v1/credentials/verify': ['credentials.verify'],
  'GET /api/v1/credentials/revocations': ['credentials.verify'],
  'POST /api/v1/credentials/revocations/ack': ['credentials.verify'],
  'POST /api/v1/credentials/status': 'public',
  'POST /api/v1/leaks': 'public',
  'GET /v1/models': ['inference'],
  'GET /v1/models/{slug}': ['inference'],
  'GET /v1/model/{slug}': ['inference'],
  'POST /v1/predictions': ['inference'],
  'POST /v1/predict': ['inference'],
  'GET /v1/predictions': ['inference'],
  'GET /v1/predictions/{id}': ['inference'],
  'GET /v1/predictions/{id}/stream': ['inference'],
  'POST /v1/predictions/{id}/cancel': ['inference'],
  'DELETE /v1/predictions/{id}': ['inference'],
  'DELETE /v1/predictions/{id}/delete': ['inference'],
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/openapi.json': 'public',
};

/** A scope unrelated to the route's own, to show that holding some scope is not enough. */
const otherScopeThan = (required: readonly string[]) => (required.includes('audit.read') ? 'projects.read' : 'audit.read');

describe('scopes on every route', () => {
  let t: TestServer;
  let console: TestClient;
  let document: { paths: Record<string, Record<string, { security: Array<Record<string, string[]>>; 'x-required-scopes'?: string[] }>> };
  before(async () => {
    t = await startTestServer();
    console = t.client();
    await console.signup();
    document = (await t.client().get('/api/openapi.json')).body;
  });
  after(() => t.stop());

  const documented = () =>
    Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    );

  test('the table names exactly the routes of /api/openapi.json, with the same requirements', () => {
    assert.deepEqual(
      documented()
        .map((d) => d.route)
        .sort(),
      Object.keys(ROUTE_SCOPES).sort(),
    );
    for (const { route, op } of documented()) {
      const expected = ROUTE_SCOPES[route]!;
      if (expected === 'public') assert.deepEqual(op.security, [], route);
      else if (expected === 'session') assert.deepEqual(op.security, [{ sessionCookie: [] }], route);
      else assert.deepEqual(op['x-required-scopes'], [...expected], route);
    }
  });

  const token = async (scopes: string[]) =>
    (await console.post('/api/v1/tokens', { name: 'scope test', scopes, expires_in_days: 7 })).body.token as string;

  /** The revocation feed is an endless event stream: its status is read, then the stream dropped. */
  const STREAMS = new Set(['GET /api/v1/credentials/revocations']);

  const call = async (route: string, bearer: string): Promise<{ status: number; body?: any; text: string }> => {
    const [method, path] = route.split(' ') as [string, string];
    const concrete = path.replace('{user_code}', 'BCDF-GHJK').replace(/\{[a-z_]+\}/g, 'missing_id');
    if (STREAMS.has(route)) {
      const aborted = new AbortController();
      const response = await fetch(`${t.url}${concrete}`, { headers: { authorization: `Bearer ${bearer}` }, signal: aborted.signal });
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        aborted.abort();
        return { status: response.status, text: '' };
      }
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    }
    return t.client().request(method, concrete, {
      headers: { authorization: `Bearer ${bearer}` },
      ...(method === 'POST' ? { body: {} } : {}),
      noOrigin: true,
    });
  };

  test('every route accepts a token with its required scopes, and refuses one with another scope', async () => {
    const all = [
      'inference',
      'keys.read',
      'keys.write',
      'tokens.read',
      'tokens.write',
      'account.read',
      'usage.read',
      'audit.read',
      'credentials.verify',
    ];
    const everything = await token(all);
    for (const [route, required] of Object.entries(ROUTE_SCOPES)) {
      if (required === 'public') continue;
      if (required === 'session') {
        const response = await call(route, everything);
        assert.equal(response.status, 403, `${route} refuses even a token with every scope`);
        continue;
      }
      if (required.length === 0) {
        const any = await call(route, await token([otherScopeThan(required)]));
        assert.ok(![401, 403].includes(any.status), `${route} with any token: ${any.status} ${any.text.slice(0, 200)}`);
        continue;
      }
      const allowed = await call(route, await token([...required]));
      assert.ok(![401, 403].includes(allowed.status), `${route} with ${required.join(' ')}: ${allowed.status} ${allowed.text.slice(0, 200)}`);
      const refused = await call(route, await token([otherScopeThan(required)]));
      assert.equal(refused.status, 403, `${route} without its scope`);
      assert.deepEqual(refused.body.error.accepted_scopes, [...required], route);
    }
  });
});
