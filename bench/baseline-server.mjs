/**
 * The baseline for `npm run bench`: a bare node:http server that does only what the verify
 * path cannot avoid (SHA-256 of the presented key and a Map lookup) and returns the same
 * bytes as the real `GET /v1/models`. The server's throughput is reported as a ratio of this.
 *
 * Env: PORT, BASELINE_KEYS_FILE (one key a line), BASELINE_BODY_FILE (the response body).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const known = new Map(
  readFileSync(process.env.BASELINE_KEYS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((key, i) => [createHash('sha256').update(key).digest('hex'), i]),
);
const body = readFileSync(process.env.BASELINE_BODY_FILE);
const denied = Buffer.from('{"status":false}');

const server = createServer((req, res) => {
  const key = req.headers['x-api-key'];
  const found = typeof key === 'string' && known.has(createHash('sha256').update(key).digest('hex'));
  res.writeHead(found ? 200 : 401, { 'content-type': 'application/json; charset=utf-8', 'content-length': found ? body.length : denied.length });
  res.end(found ? body : denied);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}`, msg: 'baseline listening' })}\n`);
});
