#!/usr/bin/env node
/**
 * `npm run bench`: throughput of the verify path (`GET /v1/models` with a valid API key)
 * against a bare node:http baseline measured in the same run, and a revocation race.
 *
 * - Seeds 10,000 keys across 100 accounts on a fresh SQLite file.
 * - wrk, 50 connections, 10 s a round, a random valid key per request; the server (and the
 *   baseline) pinned to core 0, wrk to core 1. Server and baseline alternate for 3 rounds.
 * - The server runs as in production: default log level (one JSON line per request) and
 *   last-used recording on.
 * - Revocation race: requests fired at a key while it is revoked; any request *sent* after
 *   the revoke response arrived that got 200 is a failure.
 * Results, with the commit id, go to bench/results/verify-throughput.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, commitId, createKey, ensureWrk, median, seed, startProcess, startServer, stopProcess, tempDir, wrk, revokeKey } from './lib/processes.mjs';

const ROUNDS = 3;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';

ensureWrk();
const dir = tempDir('skytells-bench-');
const server = await startServer({
  env: { DATABASE_URL: join(dir, 'bench.db'), ...(process.env.LOG_LEVEL ? { LOG_LEVEL } : {}) },
  cpu: 0,
  logFile: join(dir, 'server.log'),
});
process.stdout.write(`server ${server.url} on core 0, LOG_LEVEL=${LOG_LEVEL} (production default: info), last-used recording on\n`);

const seedStart = performance.now();
const { cookies, keys } = await seed(server.url, 100, 100);
process.stdout.write(`seeded ${keys.length} keys across ${cookies.length} accounts in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`);
const keysFile = join(dir, 'keys.txt');
writeFileSync(keysFile, keys.map((k) => k.key).join('\n') + '\n');
const modelsResponse = await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': keys[0].key } });
const bodyFile = join(dir, 'models.json');
writeFileSync(bodyFile, Buffer.from(await modelsResponse.arrayBuffer()));

const baseline = await startProcess({
  script: join(ROOT, 'bench/baseline-server.mjs'),
  env: { PORT: '0', BASELINE_KEYS_FILE: keysFile, BASELINE_BODY_FILE: bodyFile },
  cpu: 0,
  logFile: join(dir, 'baseline.log'),
  ready: (log) => /"url":"(http:\/\/[^"]+)"/.exec(log)?.[1],
});

const load = (url, seconds) => wrk({ url, path: '/v1/models', keysFile, connections: CONNECTIONS, seconds, cpu: 1 });
const rounds = [];
for (let round = 1; round <= ROUNDS; round++) {
  load(server.url, WARMUP_SECONDS);
  const s = load(server.url, SECONDS);
  load(baseline.url, WARMUP_SECONDS);
  const b = load(baseline.url, SECONDS);
  rounds.push({ round, server: s, baseline: b, ratio: s.rps / b.rps });
  process.stdout.write(`round ${round} done\n`);
}

const fmt = (r) => `${r.rps.toFixed(0).padStart(8)} req/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms`;
process.stdout.write(`\nGET /v1/models, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, random valid key per request\n`);
for (const r of rounds) {
  process.stdout.write(`round ${r.round}  server   ${fmt(r.server)}  non-2xx ${r.server.non2xx}\n`);
  process.stdout.write(`         baseline ${fmt(r.baseline)}  ratio ${r.ratio.toFixed(3)}\n`);
}
const medianRatio = median(rounds.map((r) => r.ratio));
const serverMedian = median(rounds.map((r) => r.server.rps));
const baselineMedian = median(rounds.map((r) => r.baseline.rps));
process.stdout.write(`median: server ${serverMedian.toFixed(0)} req/s, baseline ${baselineMedian.toFixed(0)} req/s, ratio ${medianRatio.toFixed(3)} (target ≥ 0.75: ${medianRatio >= 0.75 ? 'PASS' : 'BELOW TARGET'})\n`);
await stopProcess(baseline);

// The revocation race.
const RACE_KEYS = 20;
const LOOPS = 8;
const race = { keys: RACE_KEYS, sentBefore: 0, sentAfter: 0, acceptedAfter: 0 };
for (let i = 0; i < RACE_KEYS; i++) {
  const { id, key } = await createKey(server.url, cookies[0], `race ${i}`);
  let revokedAt = Infinity;
  let stop = false;
  const results = [];
  const loops = Array.from({ length: LOOPS }, async () => {
    while (!stop) {
      const sentAt = performance.now();
      const response = await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': key } });
      await response.arrayBuffer();
      results.push({ sentAt, status: response.status });
    }
  });
  await sleep(30);
  await revokeKey(server.url, cookies[0], id);
  revokedAt = performance.now();
  await sleep(30);
  stop = true;
  await Promise.all(loops);
  for (const r of results) {
    if (r.sentAt > revokedAt) {
      race.sentAfter++;
      if (r.status === 200) race.acceptedAfter++;
    } else race.sentBefore++;
  }
}
process.stdout.write(
  `\nrevocation race: ${race.keys} keys, ${race.sentBefore} requests sent before the revoke response, ${race.sentAfter} sent after; ` +
    `accepted after the revoke response: ${race.acceptedAfter} (must be 0)\n`,
);
await stopProcess(server);

const anyNon2xx = rounds.some((r) => r.server.non2xx > 0 || r.server.socketErrors > 0);
const results = {
  benchmark: 'verify-throughput',
  commit: commitId(),
  date: new Date().toISOString(),
  node: process.version,
  pinning: { server: 'core 0', baseline: 'core 0', wrk: 'core 1' },
  log_level: LOG_LEVEL,
  last_used_recording: true,
  seeded: { accounts: cookies.length, keys: keys.length },
  load: { tool: 'wrk', threads: 1, connections: CONNECTIONS, seconds: SECONDS, warmup_seconds: WARMUP_SECONDS, path: 'GET /v1/models' },
  rounds: rounds.map((r) => ({
    round: r.round,
    server: { rps: Math.round(r.server.rps), p50_ms: r.server.p50Ms, p99_ms: r.server.p99Ms, non_2xx: r.server.non2xx },
    baseline: { rps: Math.round(r.baseline.rps), p50_ms: r.baseline.p50Ms, p99_ms: r.baseline.p99Ms },
    ratio: Number(r.ratio.toFixed(3)),
  })),
  median: { server_rps: Math.round(serverMedian), baseline_rps: Math.round(baselineMedian), ratio: Number(medianRatio.toFixed(3)) },
  target_ratio: 0.75,
  revocation_race: { keys: race.keys, sent_before_revoke_response: race.sentBefore, sent_after_revoke_response: race.sentAfter, accepted_after: race.acceptedAfter },
};
const resultsFile = join(ROOT, 'bench/results/verify-throughput.json');
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
process.stdout.write(`results written to ${resultsFile}\n`);
if (anyNon2xx) process.stdout.write('FAIL: the server answered non-2xx (or dropped connections) for valid keys\n');
if (race.acceptedAfter > 0) process.stdout.write('FAIL: a request sent after the revoke response was accepted\n');
process.exit(anyNon2xx || race.acceptedAfter > 0 ? 1 : 0);
