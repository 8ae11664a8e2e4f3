#!/usr/bin/env node
/**
 * `npm run bench:cluster`: two server processes on one PostgreSQL database.
 *
 * 1. Propagation: 200 keys, each first served from B's cache, are revoked through A while B
 *    is polled continuously with them. Reports the delay from A's revoke response to B's first
 *    401 (p50, p99, max), and the latest 200 B gave to a request sent after the revoke response.
 *    Targets: p99 under 100 ms; nothing accepted later than 1 s after the revoke.
 * 2. Verify throughput of a PostgreSQL-backed instance next to a SQLite-backed one, same run
 *    (wrk, 50 connections, 10 s, random valid keys; server on core 0, wrk on core 1).
 * Results go to bench/results/cluster.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase } from './lib/postgres.mjs';
import { ROOT, startServer, stopProcess, tempDir } from './lib/processes.mjs';
import { commitId, percentile } from './lib/results.mjs';
import { createKey, pool, revokeKey, signup } from './lib/seed.mjs';
import { ensureWrk, wrk } from './lib/wrk.mjs';

const KEYS = 200;
const POLLERS = 4;

ensureWrk();
const dir = tempDir('skytells-cluster-');
const database = await createBenchDatabase();
const pgEnv = { DATABASE_URL: database.url, VERIFY_CACHE_TTL_SECONDS: '60' };

let a;
let b;
let sqliteServer;
try {
  a = await startServer({ env: pgEnv, cpu: 0, logFile: join(dir, 'a.log') });
  b = await startServer({ env: pgEnv, cpu: 1, logFile: join(dir, 'b.log') });
  process.stdout.write(`instance A ${a.url} (core 0), instance B ${b.url} (core 1), one PostgreSQL database\n`);

  // 1. Propagation.
  const cookie = await signup(a.url, `cluster-${Date.now()}@example.com`);
  const keys = await pool(
    Array.from({ length: KEYS }, (_, i) => i),
    10,
    (i) => createKey(a.url, cookie, `cluster ${i}`),
  );
  const delays = [];
  let latestAcceptedAfterMs = 0;
  const get = async (key) => {
    const response = await fetch(`${b.url}/v1/models`, { headers: { 'x-api-key': key } });
    await response.arrayBuffer();
    return response.status;
  };
  for (const { id, key } of keys) {
    if ((await get(key)) !== 200 || (await get(key)) !== 200) throw new Error('B did not accept a fresh key');
    let revokedAt = Infinity;
    let firstRefusalAt = Infinity;
    let stop = false;
    const pollers = Array.from({ length: POLLERS }, async () => {
      while (!stop) {
        const sentAt = performance.now();
        const status = await get(key);
        const receivedAt = performance.now();
        if (sentAt > revokedAt && status === 200) latestAcceptedAfterMs = Math.max(latestAcceptedAfterMs, sentAt - revokedAt);
        if (status === 401 && receivedAt < firstRefusalAt) firstRefusalAt = receivedAt;
        if (status === 401 && receivedAt > revokedAt) stop = true;
        if (receivedAt - revokedAt > 5000) throw new Error('B kept accepting a revoked key for 5 s');
      }
    });
    await revokeKey(a.url, cookie, id);
    revokedAt = performance.now();
    await Promise.all(pollers);
    delays.push(Math.max(0, firstRefusalAt - revokedAt));
  }
  const propagation = {
    revocations: delays.length,
    p50_ms: Number(percentile(delays, 50).toFixed(2)),
    p99_ms: Number(percentile(delays, 99).toFixed(2)),
    max_ms: Number(Math.max(...delays).toFixed(2)),
    latest_accepted_after_revoke_ms: Number(latestAcceptedAfterMs.toFixed(2)),
  };
  process.stdout.write(
    `\npropagation (A's revoke response → B's first 401), ${propagation.revocations} keys: ` +
      `p50 ${propagation.p50_ms} ms, p99 ${propagation.p99_ms} ms, max ${propagation.max_ms} ms ` +
      `(target p99 < 100 ms: ${propagation.p99_ms < 100 ? 'PASS' : 'MISSED'})\n` +
      `latest request accepted by B after the revoke response was sent ${propagation.latest_accepted_after_revoke_ms} ms after it ` +
      `(target ≤ 1000 ms: ${propagation.latest_accepted_after_revoke_ms <= 1000 ? 'PASS' : 'MISSED'})\n`,
  );
  await stopProcess(b);

  // 2. Throughput, PostgreSQL next to SQLite.
  sqliteServer = await startServer({ env: { DATABASE_URL: join(dir, 'sqlite.db') }, cpu: 0, logFile: join(dir, 'sqlite.log') });
  const throughput = {};
  for (const [name, server] of [
    ['postgres', a],
    ['sqlite', sqliteServer],
  ]) {
    const session = await signup(server.url, `tp-${name}-${Date.now()}@example.com`);
    const secrets = await pool(
      Array.from({ length: 1000 }, (_, i) => i),
      10,
      (i) => createKey(server.url, session, `tp ${i}`),
    );
    const keysFile = join(dir, `${name}-keys.txt`);
    writeFileSync(keysFile, `${secrets.map((k) => k.key).join('\n')}\n`);
    await wrk({ url: server.url, path: '/v1/models', keysFile, connections: 50, seconds: 2, cpu: 1 });
    const r = await wrk({ url: server.url, path: '/v1/models', keysFile, connections: 50, seconds: 10, cpu: 1 });
    throughput[name] = { rps: Math.round(r.rps), p50_ms: r.p50Ms, p99_ms: r.p99Ms, non_2xx: r.non2xx };
  }
  process.stdout.write('\nverify throughput, GET /v1/models, wrk -t1 -c50 -d10s, 1,000 random valid keys, server on core 0:\n');
  for (const [name, r] of Object.entries(throughput)) {
    process.stdout.write(
      `  ${name.padEnd(8)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50_ms.toFixed(2)} ms  p99 ${r.p99_ms.toFixed(2)} ms  non-2xx ${r.non_2xx}\n`,
    );
  }

  const results = { benchmark: 'cluster', commit: commitId(), date: new Date().toISOString(), node: process.version, propagation, throughput };
  const file = join(ROOT, 'bench/results/cluster.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results written to ${file}\n`);
} finally {
  for (const server of [a, b, sqliteServer]) if (server) await stopProcess(server);
  await database.drop();
}
