#!/usr/bin/env node
/**
 * `npm run bench:middleware`: the per-request cost of the skytells/server middleware.
 *
 * The same Fastify service (bench/middleware-service.mjs) runs twice, with the middleware in
 * front and without, measured in the same run: wrk -t1 -c50, each request with an API key
 * picked at random from 100 keys of one account, the service pinned to core 0 and wrk to
 * core 1; the platform server (SQLite) is not pinned. Rounds alternate the two services
 * (BENCH_ROUNDS, default 3; BENCH_SECONDS measured, default 5, after an uncounted 1 s
 * warm-up). The middleware verifies each key once, then answers from its cache while the
 * revocation feed is up, so the steady state measured is the cache path.
 *
 * Reports per round req/s, p50 and p99 of each; then the medians, the ratios
 * middleware/without for p50, p99 and throughput, and the added latency per request
 * (p50 and p99 differences, ms). Fails if any request was refused or errored.
 * Results go to bench/results/middleware.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startListeningScript, startServer, stopAll, tempDir } from './lib/processes.mjs';
import { commitId, median, round, writeResults } from './lib/results.mjs';
import { createKey, signup } from './lib/seed.mjs';
import { ensureWrk, wrk } from './lib/wrk.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const KEYS = 100;
const SERVICE_CPU = 0;
const WRK_CPU = 1;

ensureWrk();
const dir = tempDir();
try {
  const platform = await startServer({ env: { DATABASE_URL: join(dir, 'bench.db'), LOG_LEVEL: 'warn' }, logFile: join(dir, 'server.log') });
  const cookie = await signup(platform.url, `bench-${Date.now()}@example.com`);
  const tokenResponse = await fetch(`${platform.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: platform.url },
    body: JSON.stringify({ name: 'bench verifier', scopes: ['credentials.verify'], expires_in_days: 7 }),
  });
  if (tokenResponse.status !== 201) throw new Error(`create token: ${tokenResponse.status}`);
  const { token } = await tokenResponse.json();
  const keys = [];
  for (let i = 0; i < KEYS; i++) keys.push((await createKey(platform.url, cookie, `bench ${i}`)).key);
  const keysFile = join(dir, 'keys.txt');
  writeFileSync(keysFile, `${keys.join('\n')}\n`);

  const service = (middleware) =>
    startListeningScript({
      script: join(ROOT, 'bench/middleware-service.mjs'),
      env: { MIDDLEWARE: middleware ? '1' : '0', SKYTELLS_URL: platform.url, SKYTELLS_VERIFY_TOKEN: token },
      cpu: SERVICE_CPU,
      logFile: join(dir, `service-${middleware ? 'middleware' : 'bare'}.log`),
    });
  const targets = { bare: await service(false), middleware: await service(true) };
  const rounds = [];
  for (let round_ = 1; round_ <= ROUNDS; round_++) {
    const row = { round: round_ };
    for (const [name, target] of Object.entries(targets)) {
      await wrk({ url: target.url, path: '/hello', keysFile, seconds: 1, cpu: WRK_CPU });
      const result = await wrk({ url: target.url, path: '/hello', keysFile, seconds: SECONDS, cpu: WRK_CPU });
      if (result.non2xx > 0 || result.socketErrors > 0 || result.timeouts > 0) {
        throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.socketErrors} socket errors, ${result.timeouts} timeouts`);
      }
      row[name] = { rps: round(result.rps, 0), p50Ms: round(result.p50Ms, 3), p99Ms: round(result.p99Ms, 3) };
    }
    rounds.push(row);
    process.stdout.write(
      `round ${round_}: without ${row.bare.rps} req/s p50 ${row.bare.p50Ms} ms p99 ${row.bare.p99Ms} ms | with middleware ${row.middleware.rps} req/s p50 ${row.middleware.p50Ms} ms p99 ${row.middleware.p99Ms} ms\n`,
    );
  }
  const med = (name, field) => median(rounds.map((r) => r[name][field]));
  const summary = {
    without: { rps: med('bare', 'rps'), p50Ms: med('bare', 'p50Ms'), p99Ms: med('bare', 'p99Ms') },
    middleware: { rps: med('middleware', 'rps'), p50Ms: med('middleware', 'p50Ms'), p99Ms: med('middleware', 'p99Ms') },
  };
  summary.ratios = {
    p50: round(summary.middleware.p50Ms / summary.without.p50Ms, 3),
    p99: round(summary.middleware.p99Ms / summary.without.p99Ms, 3),
    throughput: round(summary.middleware.rps / summary.without.rps, 3),
  };
  summary.addedMsPerRequest = {
    p50: round(summary.middleware.p50Ms - summary.without.p50Ms, 3),
    p99: round(summary.middleware.p99Ms - summary.without.p99Ms, 3),
  };
  process.stdout.write(
    `median: p99 ratio ${summary.ratios.p99} (+${summary.addedMsPerRequest.p99} ms), p50 ratio ${summary.ratios.p50} (+${summary.addedMsPerRequest.p50} ms), throughput ratio ${summary.ratios.throughput}\n`,
  );
  const file = writeResults('middleware', {
    commit: commitId(),
    date: new Date().toISOString(),
    setup: { rounds: ROUNDS, secondsPerRound: SECONDS, connections: 50, keys: KEYS, serviceCpu: SERVICE_CPU, wrkCpu: WRK_CPU },
    rounds,
    summary,
  });
  process.stdout.write(`wrote ${file}\n`);
} finally {
  await stopAll();
}
