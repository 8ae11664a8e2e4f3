#!/usr/bin/env node
/**
 * The service of `npm run bench:middleware`: a Fastify app answering `GET /hello` with the
 * same small JSON, behind the skytells/server middleware when MIDDLEWARE=1 (verifying against
 * SKYTELLS_URL with the token SKYTELLS_VERIFY_TOKEN), or with nothing in front of it. Prints
 * one JSON line with its `url` when it listens.
 */
import Fastify from 'fastify';
import { CredentialVerifier, skytellsFastify } from '../packages/sdk/dist/server.js';

const app = Fastify();
app.decorateRequest('skytells', undefined);
if (process.env.MIDDLEWARE === '1') {
  const verifier = new CredentialVerifier({ token: process.env.SKYTELLS_VERIFY_TOKEN, baseUrl: process.env.SKYTELLS_URL });
  app.addHook('onRequest', skytellsFastify(verifier));
}
app.get('/hello', async () => ({ hello: 'world' }));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url })}\n`);
