/**
 * The middle baseline for `npm run bench:instructions`: the server's framework with none of
 * the product. One Fastify route `GET /v1/models` with what every `/v1` request of the real
 * server goes through at the least: a route-level onRequest hook that hashes `x-api-key`
 * (SHA-256) and looks it up in a Map (401 when absent), a global onResponse hook, and the same
 * answer: the very bytes the server sends, with `x-request-id` and `cache-control: no-store`.
 * What the real server costs beyond this is the product's own per-request work.
 *
 * Env: as bench/baseline-server.mjs (PORT, BASELINE_KEYS_FILE, BASELINE_BODY_FILE,
 * BASELINE_CONTENT_TYPE). Prints {"url": ..., "msg": "fastify route listening"}.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Fastify as the server installs it (the server's workspace depends on it, the root does not).
const Fastify = createRequire(new URL('../packages/server/package.json', import.meta.url))('fastify');
const sha256 = (value) => createHash('sha256').update(value).digest('hex');

const known = new Map();
for (const key of readFileSync(process.env.BASELINE_KEYS_FILE, 'utf8').split('\n')) {
  if (key !== '') known.set(sha256(key), { id: known.size });
}
const body = readFileSync(process.env.BASELINE_BODY_FILE);
const contentType = process.env.BASELINE_CONTENT_TYPE;

const app = Fastify({ logger: false });
app.decorateRequest('credential', null);
let answered = 0;
app.addHook('onResponse', (request, _reply, done) => {
  if (request.credential !== null) answered++;
  done();
});
app.get(
  '/v1/models',
  {
    onRequest(request, reply, done) {
      const key = request.headers['x-api-key'];
      const credential = typeof key === 'string' ? known.get(sha256(key)) : undefined;
      if (credential === undefined) {
        reply.code(401).type(contentType).send('{"status":false,"response":"Invalid API key"}');
        return;
      }
      request.credential = credential;
      done();
    },
  },
  (_request, reply) => {
    reply.header('x-request-id', `req_${answered}`).header('cache-control', 'no-store').type(contentType);
    return body;
  },
);
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}`, msg: 'fastify route listening' })}\n`);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => app.close().then(() => process.exit(0)));
