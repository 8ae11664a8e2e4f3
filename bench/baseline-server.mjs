/**
 * The baseline for `npm run bench`: a bare node:http server doing only what the verify path
 * cannot avoid — SHA-256 of the `x-api-key` header and a Map lookup among the seeded keys'
 * hashes — and answering with the very bytes (body and content-type) the real server sends
 * for `GET /v1/models`, or 401 with a fixed body when the hash is not in the Map.
 * The server's throughput is reported as a fraction of this one's.
 *
 * Env: PORT (0 = random), BASELINE_KEYS_FILE (one key a line), BASELINE_BODY_FILE (the body
 * to answer with), BASELINE_CONTENT_TYPE. Prints {"url": ..., "msg": "baseline listening"}.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const sha256 = (value) => createHash('sha256').update(value).digest('hex');

const known = new Map();
for (const key of readFileSync(process.env.BASELINE_KEYS_FILE, 'utf8').split('\n')) {
  if (key !== '') known.set(sha256(key), known.size);
}
const body = readFileSync(process.env.BASELINE_BODY_FILE);
const contentType = process.env.BASELINE_CONTENT_TYPE;
const denied = Buffer.from('{"status":false,"response":"Invalid API key"}');

const server = createServer((req, res) => {
  const key = req.headers['x-api-key'];
  const found = typeof key === 'string' && known.has(sha256(key));
  const payload = found ? body : denied;
  res.writeHead(found ? 200 : 401, { 'content-type': contentType, 'content-length': payload.length });
  res.end(payload);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${JSON.stringify({ url, keys: known.size, msg: 'baseline listening' })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)).closeAllConnections());
