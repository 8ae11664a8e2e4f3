/** Personal access tokens in tests: create one from the console, and call with it alone. */
import assert from 'node:assert/strict';
import type { TestClient } from './client.js';
import type { TestServer } from './server.js';

/** A client that authenticates with a bearer token only. */
export function bearer(t: TestServer, token: string) {
  const client = t.client();
  const headers = { authorization: `Bearer ${token}` };
  return {
    get: (path: string) => client.get(path, { headers }),
    post: (path: string, body?: unknown) => client.post(path, body, { headers, noOrigin: true }),
    delete: (path: string) => client.delete(path, { headers, noOrigin: true }),
  };
}

/** Creates a token from the console session of `console` (30 days unless `body` says otherwise). */
export async function createToken(console: TestClient, body: Record<string, unknown>) {
  const response = await console.post('/api/v1/tokens', { name: 'test token', expires_in_days: 30, ...body });
  assert.equal(response.status, 201, response.text);
  return response.body as { id: string; token: string; scopes: string[]; expires_at: string | null };
}
