/**
 * skytells/server against a real server process: verifyCredential, and the Fastify, Express
 * and Hono middleware, each in a real service listening on a port. The point of the cache
 * and the revocation feed: a positive answer is reused, and a revocation through the API is
 * refused by the middleware on its very next request.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { generateApiKey } from '@skytells/credentials';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { createManagementClient } from '../index.js';
import { type RunningTestServer, startServerProcess } from '../server-process.test-support.js';
import {
  CredentialVerifier,
  type CredentialVerifierOptions,
  skytellsExpress,
  skytellsFastify,
  skytellsHono,
  type ValidCredential,
  verifyCredential,
} from './index.js';

interface Service {
  url: string;
  close(): Promise<void>;
}

/** Counts the verifier's calls to POST /api/v1/credentials/verify, and can cut the feed off. */
function countingFetch(options: { feed: boolean } = { feed: true }) {
  const counter = { verifies: 0 };
  const wrapped: typeof fetch = (input, init) => {
    const url = String(input);
    if (url.endsWith('/api/v1/credentials/verify')) counter.verifies++;
    if (!options.feed && url.endsWith('/api/v1/credentials/revocations')) return Promise.reject(new TypeError('feed blocked by the test'));
    return fetch(input, init);
  };
  return { counter, fetch: wrapped };
}

async function fastifyService(verifier: CredentialVerifier): Promise<Service> {
  const app = Fastify();
  app.decorateRequest('skytells', undefined);
  app.addHook('onRequest', skytellsFastify(verifier));
  app.get('/hello', async (request) => ({ account: (request as unknown as { skytells: ValidCredential }).skytells.account_id }));
  app.get('/projects', { onRequest: skytellsFastify(verifier, { requiredScopes: ['projects.write'] }) }, async () => ({ ok: true }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

async function expressService(verifier: CredentialVerifier): Promise<Service> {
  const app = express();
  app.get('/projects', skytellsExpress(verifier, { requiredScopes: ['projects.write'] }), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(skytellsExpress(verifier));
  app.get('/hello', (req, res) => {
    res.json({ account: (req as unknown as { skytells: ValidCredential }).skytells.account_id });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function honoService(verifier: CredentialVerifier): Promise<Service> {
  const app = new Hono<{ Variables: { skytells: ValidCredential } }>();
  app.get('/projects', skytellsHono(verifier, { requiredScopes: ['projects.write'] }), (c) => c.json({ ok: true }));
  app.use(skytellsHono(verifier));
  app.get('/hello', (c) => c.json({ account: c.get('skytells').account_id }));
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server, port: info.port }));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FRAMEWORKS = { fastify: fastifyService, express: expressService, hono: honoService };

async function until(condition: () => boolean, what: string, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const call = async (service: Service, path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(service.url + path, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

describe('skytells/server against a real server', () => {
  let s: RunningTestServer;
  let verifyToken: string;
  let accountId: string;
  const options = (
    extra: Partial<CredentialVerifierOptions> & { requiredScopes?: string[] } = {},
  ): CredentialVerifierOptions & { requiredScopes?: string[] } => ({ token: verifyToken, baseUrl: s.url, ...extra });
  before(async () => {
    s = await startServerProcess();
    verifyToken = (await s.token(['credentials.verify'])).token;
    accountId = (await s.console.get('/api/v1/account')).body.id;
  });
  after(() => s.stop());

  test('verifyCredential: valid key, token with scopes, insufficient scope, invalid', async () => {
    const key = await s.console.createKey('helper');
    assert.deepEqual(await verifyCredential(key.key, options()), {
      valid: true,
      kind: 'api_key',
      account_id: accountId,
      key_id: key.id,
      scopes: ['inference'],
      expires_at: null,
    });
    const token = await s.token(['projects.read']);
    const verified = await verifyCredential(token.token, options({ requiredScopes: ['projects.read'] }));
    assert.equal(verified.valid && verified.kind === 'personal_access_token' && verified.token_id, token.id);
    assert.deepEqual(await verifyCredential(token.token, options({ requiredScopes: ['projects.write'] })), {
      valid: false,
      error: 'insufficient_scope',
      missing_scopes: ['projects.write'],
    });
    assert.deepEqual(await verifyCredential(generateApiKey(), options()), { valid: false, error: 'invalid_credential' });
    assert.deepEqual(await verifyCredential('not a key', options()), { valid: false, error: 'invalid_credential' });
  });

  for (const [name, start] of Object.entries(FRAMEWORKS)) {
    describe(`${name} middleware`, () => {
      let service: Service;
      let verifier: CredentialVerifier;
      const counting = countingFetch();
      before(async () => {
        verifier = new CredentialVerifier(options({ fetch: counting.fetch }));
        service = await start(verifier);
      });
      after(async () => {
        verifier.close();
        await service.close();
      });

      test('refuses a missing, malformed or unknown credential with the 401 envelope', async () => {
        for (const headers of <Record<string, string>[]>[
          {},
          { 'x-api-key': 'sk-nope' },
          { 'x-api-key': generateApiKey() },
          { authorization: 'Bearer nope' },
        ]) {
          const answer = await call(service, '/hello', headers);
          assert.equal(answer.status, 401);
          assert.equal(answer.body.error.error_id, 'UNAUTHORIZED');
          assert.equal(answer.body.status, false);
        }
      });

      test('lets a valid key or token through, with the verified credential; 403 with x-accepted-scopes for a missing scope', async () => {
        const key = await s.console.createKey(`${name} key`);
        assert.deepEqual(await call(service, '/hello', { 'x-api-key': key.key }), {
          status: 200,
          headers: (await fetch(`${service.url}/hello`, { headers: { 'x-api-key': key.key } })).headers,
          body: { account: accountId },
        });
        const token = await s.token(['projects.read']);
        assert.equal((await call(service, '/hello', { authorization: `Bearer ${token.token}` })).status, 200);
        const refused = await call(service, '/projects', { authorization: `Bearer ${token.token}` });
        assert.equal(refused.status, 403);
        assert.equal(refused.headers.get('x-accepted-scopes'), 'projects.write');
        assert.deepEqual(refused.body.error.accepted_scopes, ['projects.write']);
      });

      test('caches a positive answer while the feed is up, and refuses a revoked key on its very next request', async () => {
        const key = await s.console.createKey(`${name} revoked`);
        const headers = { 'x-api-key': key.key };
        assert.equal((await call(service, '/hello', headers)).status, 200);
        await until(() => verifier.trusted, 'the revocation feed');
        assert.equal((await call(service, '/hello', headers)).status, 200);
        const before = counting.counter.verifies;
        assert.equal((await call(service, '/hello', headers)).status, 200);
        assert.equal(counting.counter.verifies, before, 'answered from the cache');
        assert.equal((await s.console.delete(`/api/v1/keys/${key.id}`)).status, 200);
        const next = await call(service, '/hello', headers);
        assert.equal(next.status, 401, 'the very next request after the revocation is refused');
      });

      test('a token revoked through the management API is refused on the very next request too', async () => {
        const admin = createManagementClient((await s.token(['tokens.write'])).token, { baseUrl: s.url });
        const token = await s.token(['projects.read']);
        const headers = { authorization: `Bearer ${token.token}` };
        assert.equal((await call(service, '/hello', headers)).status, 200);
        assert.equal((await call(service, '/hello', headers)).status, 200);
        await admin.tokens.revoke(token.id);
        assert.equal((await call(service, '/hello', headers)).status, 401);
      });
    });
  }

  test('while the feed cannot connect, nothing is cached: every request is verified, and a revocation still holds at once', async () => {
    const counting = countingFetch({ feed: false });
    const verifier = new CredentialVerifier(options({ fetch: counting.fetch }));
    const service = await expressService(verifier);
    try {
      const key = await s.console.createKey('no feed');
      const headers = { 'x-api-key': key.key };
      for (let i = 0; i < 3; i++) assert.equal((await call(service, '/hello', headers)).status, 200);
      assert.equal(verifier.trusted, false);
      assert.equal(counting.counter.verifies, 3, 'no answer was reused');
      assert.equal((await s.console.delete(`/api/v1/keys/${key.id}`)).status, 200);
      assert.equal((await call(service, '/hello', headers)).status, 401);
    } finally {
      verifier.close();
      await service.close();
    }
  });

  test('fails closed with 503 when the platform cannot be reached', async () => {
    const verifier = new CredentialVerifier({ token: verifyToken, baseUrl: 'http://127.0.0.1:1', timeout: 2000 });
    const service = await honoService(verifier);
    try {
      const answer = await call(service, '/hello', { 'x-api-key': generateApiKey() });
      assert.equal(answer.status, 503);
      assert.equal(answer.body.error.error_id, 'SERVICE_UNAVAILABLE');
    } finally {
      verifier.close();
      await service.close();
    }
  });
});
