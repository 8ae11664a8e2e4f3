#!/usr/bin/env node
/**
 * `npm run bench` — throughput of the verify path, and the revocation race.
 *
 * Measures `GET /v1/models` with a valid API key (key verification + last-used recording +
 * one log line per request, as in production: the server runs at its default LOG_LEVEL=info
 * and default BATCH_FLUSH_INTERVAL_MS) against a bare node:http baseline that only hashes the
 * key (SHA-256), looks it up in a Map and returns the same bytes (bench/baseline-server.mjs).
 *
 * - Seeds 10,000 keys across 100 accounts over HTTP on a fresh SQLite file.
 * - wrk -t1 -c50 -d10s, a key chosen at random from the 10,000 for every request; server and
 *   baseline pinned to core 0, wrk to core 1 (taskset). Server and baseline alternate for
 *   3 rounds, each measured round after an uncounted 2 s warm-up. Reports req/s, p50 and p99
 *   per round, the median req/s of each and the median of the per-round ratios
 *   server/baseline (target >= 0.75; reported, not enforced).
 * - Revocation race: for 20 fresh keys, 8 concurrent keep-alive request loops use the key
 *   while it is revoked; a 200 for a request *sent* after the DELETE response arrived fails.
 *
 * Exits non-zero if the server answered any load request with a non-2xx (or dropped a
 * connection), or if the race accepted a request sent after revocation.
 * Results go to bench/results/verify-throughput.json.
 *
 * BENCH_LOG_LEVEL=<level> runs the server at another log level, for diagnosis only: such a
 * run is labelled as such and does not overwrite the results file.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, startListeningScript, startServer, stopAll, stopProcess, tempDir, waitUntilIdle } from './lib/processes.mjs';
import { commitId, median, round, writeResults } from './lib/results.mjs';
import { createKey, revokeKey, seed } from './lib/seed.mjs';
import { ensureWrk, wrk } from './lib/wrk.mjs';

const ACCOUNTS = 100;
const KEYS_PER_ACCOUNT = 100;
const SEED_CONCURRENCY = 20;
const ROUNDS = 3;
const SECONDS = 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const SERVER_CPU = 0;
const WRK_CPU = 1;
const TARGET_RATIO = 0.75;
const RACE_KEYS = 20;
const RACE_LOOPS = 8;
const RACE_TAIL_MS = 50;
/** The server's default, and what production runs: one JSON log line per request. */
const DEFAULT_LOG_LEVEL = 'info';
/** The server's default BATCH_FLUSH_INTERVAL_MS: last-used and usage batches flush this often. */
const FLUSH_INTERVAL_MS = 5000;

const out = (line = '') => process.stdout.write(`${line}\n`);
const logLevel = process.env.BENCH_LOG_LEVEL || DEFAULT_LOG_LEVEL;
const diagnostic = logLevel !== DEFAULT_LOG_LEVEL;

/** After a server round the server still has batches to flush: let it finish before the baseline runs. */
async function settle(proc) {
  const start = performance.now();
  await sleep(FLUSH_INTERVAL_MS + 250);
  await waitUntilIdle(proc);
  return performance.now() - start;
}

async function load(target, keysFile, seconds) {
  return wrk({ url: target.url, path: '/v1/models', keysFile, connections: CONNECTIONS, seconds, cpu: WRK_CPU });
}

/** Warm-up (not counted, but its errors are), then the measured run. */
async function measure(target, keysFile) {
  const warmup = await load(target, keysFile, WARMUP_SECONDS);
  const logBefore = target.logBytes();
  const r = await load(target, keysFile, SECONDS);
  r.logBytesPerRequest = (target.logBytes() - logBefore) / Math.max(1, r.requests);
  r.warmupNon2xx = warmup.non2xx;
  r.warmupSocketErrors = warmup.socketErrors;
  r.warmupTimeouts = warmup.timeouts;
  return r;
}

async function revocationRace(url, cookie) {
  const race = {
    keys: RACE_KEYS,
    loops: RACE_LOOPS,
    sentBefore: 0,
    sentAfter: 0,
    acceptedBefore: 0,
    refusedBefore: 0,
    acceptedAfter: 0,
    refusedAfter: 0,
    otherStatus: 0,
    keysNeverAccepted: 0,
    lastAcceptedSentMs: -Infinity,
  };
  const get = async (key) => {
    const response = await fetch(`${url}/v1/models`, { headers: { 'x-api-key': key } });
    await response.arrayBuffer();
    return response.status;
  };
  for (let i = 0; i < RACE_KEYS; i++) {
    const { id, key } = await createKey(url, cookie, `race ${i}`);
    const records = [];
    let stop = false;
    let accepted = 0;
    const loops = Array.from({ length: RACE_LOOPS }, async () => {
      while (!stop) {
        const sentAt = performance.now();
        const status = await get(key);
        if (status === 200) accepted++;
        records.push({ sentAt, status });
      }
    });
    let revokedAt;
    try {
      // Revoke once the key is in use (every loop has had about one answer), within 1 s.
      const deadline = performance.now() + 1000;
      while (accepted < RACE_LOOPS && performance.now() < deadline) await sleep(2);
      revokedAt = await revokeKey(url, cookie, id);
      await sleep(RACE_TAIL_MS);
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    let acceptedBefore = 0;
    for (const { sentAt, status } of records) {
      const after = sentAt > revokedAt;
      if (after) race.sentAfter++;
      else race.sentBefore++;
      if (status === 200) {
        if (after) race.acceptedAfter++;
        else acceptedBefore++;
        race.lastAcceptedSentMs = Math.max(race.lastAcceptedSentMs, sentAt - revokedAt);
      } else if (status === 401) {
        if (after) race.refusedAfter++;
        else race.refusedBefore++;
      } else race.otherStatus++;
    }
    race.acceptedBefore += acceptedBefore;
    if (acceptedBefore === 0) race.keysNeverAccepted++;
  }
  return race;
}

function header() {
  const wrkVersion = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' [')[0];
  return { commit: commitId(), date: new Date().toISOString(), node: process.version, cpus: availableParallelism(), wrk: wrkVersion };
}

async function main() {
  ensureWrk();
  const run = header();
  const failures = [];
  out(`verify-throughput: commit ${run.commit}, ${run.date}, node ${run.node}, ${run.cpus} cores, ${run.wrk}`);
  if (run.cpus < 2) out('warning: fewer than 2 cores; the server and wrk cannot be kept apart');
  if (process.env.LOG_LEVEL) out(`note: LOG_LEVEL=${process.env.LOG_LEVEL} in the environment is ignored (use BENCH_LOG_LEVEL for a diagnostic run)`);
  out(
    `server LOG_LEVEL=${logLevel} ` +
      (diagnostic
        ? `(DIAGNOSTIC RUN: not the production default '${DEFAULT_LOG_LEVEL}'; results file not written)`
        : '(its default, as in production: one log line per request)') +
      `, BATCH_FLUSH_INTERVAL_MS=${FLUSH_INTERVAL_MS} (default; last-used recording on)`,
  );
  out(
    `pinning: server and baseline on core ${SERVER_CPU} (taskset -c ${SERVER_CPU}), wrk on core ${WRK_CPU} (taskset -c ${WRK_CPU} wrk -t1 -c${CONNECTIONS} -d${SECONDS}s)`,
  );

  const dir = tempDir('skytells-bench-');
  const server = await startServer({
    env: { DATABASE_URL: join(dir, 'bench.db'), ...(diagnostic ? { LOG_LEVEL: logLevel } : {}) },
    cpu: SERVER_CPU,
    logFile: join(dir, 'server.log'),
  });
  out(`server ${server.url} (pid ${server.pid}), SQLite at ${join(dir, 'bench.db')}, stdout to ${server.logFile}`);

  // Seed.
  const seedStart = performance.now();
  const { cookies, keys } = await seed(server.url, { accounts: ACCOUNTS, keysPerAccount: KEYS_PER_ACCOUNT, concurrency: SEED_CONCURRENCY });
  const seedSeconds = (performance.now() - seedStart) / 1000;
  out(`seeded ${keys.length} keys across ${cookies.length} accounts in ${seedSeconds.toFixed(1)} s (${SEED_CONCURRENCY} requests in flight)`);
  const keysFile = join(dir, 'keys.txt');
  writeFileSync(keysFile, `${keys.map((k) => k.key).join('\n')}\n`);

  // The exact answer the baseline must give.
  const sample = await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': keys[0].key } });
  const body = Buffer.from(await sample.arrayBuffer());
  const contentType = sample.headers.get('content-type');
  if (sample.status !== 200) throw new Error(`GET /v1/models with a fresh key: ${sample.status} ${body}`);
  const bodyFile = join(dir, 'models-body');
  writeFileSync(bodyFile, body);
  const baseline = await startListeningScript({
    script: join(ROOT, 'bench/baseline-server.mjs'),
    env: { PORT: '0', BASELINE_KEYS_FILE: keysFile, BASELINE_BODY_FILE: bodyFile, BASELINE_CONTENT_TYPE: contentType },
    cpu: SERVER_CPU,
    logFile: join(dir, 'baseline.log'),
  });
  baseline.logBytes = () => 0;
  const check = await fetch(`${baseline.url}/v1/models`, { headers: { 'x-api-key': keys.at(-1).key } });
  const checkBody = Buffer.from(await check.arrayBuffer());
  const refused = await fetch(`${baseline.url}/v1/models`, { headers: { 'x-api-key': 'sk-not-a-key' } });
  await refused.arrayBuffer();
  if (check.status !== 200 || !checkBody.equals(body) || check.headers.get('content-type') !== contentType || refused.status !== 401) {
    throw new Error('the baseline does not answer like the server');
  }
  out(`GET /v1/models answer: ${body.length} bytes, ${contentType}; baseline ${baseline.url} (pid ${baseline.pid}) answers with the same bytes`);

  // Throughput: server and baseline alternate.
  out(`\nload: ${ROUNDS} rounds of server then baseline, each ${WARMUP_SECONDS} s warm-up (not counted) + ${SECONDS} s measured`);
  await settle(server);
  const rounds = [];
  for (let n = 1; n <= ROUNDS; n++) {
    const s = await measure(server, keysFile);
    out(
      `  round ${n} server   ${s.rps.toFixed(0).padStart(6)} req/s  (non-2xx ${s.non2xx}, timeouts ${s.timeouts}, ${s.logBytesPerRequest.toFixed(0)} log bytes/request)`,
    );
    const settledMs = await settle(server);
    const b = await measure(baseline, keysFile);
    out(
      `  round ${n} baseline ${b.rps.toFixed(0).padStart(6)} req/s  (non-2xx ${b.non2xx}, timeouts ${b.timeouts}; the server was given ${(settledMs / 1000).toFixed(1)} s to flush its batches and go idle first)`,
    );
    rounds.push({ n, server: s, baseline: b, ratio: s.rps / b.rps });
  }
  for (const r of rounds) {
    for (const [name, m] of [
      ['server', r.server],
      ['baseline', r.baseline],
    ]) {
      const non2xx = m.non2xx + m.warmupNon2xx;
      const dropped = m.socketErrors + m.warmupSocketErrors;
      if (non2xx > 0) failures.push(`round ${r.n}: the ${name} answered ${non2xx} requests with valid keys with a non-2xx status`);
      if (dropped > 0) failures.push(`round ${r.n}: ${dropped} socket errors (connect/read/write) against the ${name}`);
    }
  }
  const medians = {
    server: median(rounds.map((r) => r.server.rps)),
    baseline: median(rounds.map((r) => r.baseline.rps)),
    ratio: median(rounds.map((r) => r.ratio)),
  };
  const verdict = medians.ratio >= TARGET_RATIO ? 'PASS' : 'BELOW TARGET';

  const num = (v, w, d = 2) => v.toFixed(d).padStart(w);
  out(`\nGET /v1/models, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, a random one of ${keys.length} valid keys per request, LOG_LEVEL=${logLevel}`);
  out('round |   server req/s   p50 ms   p99 ms  non-2xx | baseline req/s   p50 ms   p99 ms  non-2xx | ratio');
  out('------+-------------------------------------------+-------------------------------------------+------');
  for (const r of rounds) {
    const cols = (m) => `${num(m.rps, 14, 0)} ${num(m.p50Ms, 8)} ${num(m.p99Ms, 8)} ${String(m.non2xx).padStart(8)}`;
    out(`${String(r.n).padStart(5)} | ${cols(r.server)} | ${cols(r.baseline)} | ${r.ratio.toFixed(3)}`);
  }
  out(`median| ${num(medians.server, 14, 0)}${' '.repeat(27)} | ${num(medians.baseline, 14, 0)}${' '.repeat(27)} | ${medians.ratio.toFixed(3)}`);
  out(`median ratio server/baseline ${medians.ratio.toFixed(3)} (target >= ${TARGET_RATIO}): ${verdict}`);
  await stopProcess(baseline);

  // Revocation race.
  const race = await revocationRace(server.url, cookies[0]);
  out(
    `\nrevocation race: ${race.keys} fresh keys, ${race.loops} concurrent keep-alive loops each, revoked while in use\n` +
      `  sent before the DELETE response arrived: ${race.sentBefore} (200: ${race.acceptedBefore}, 401: ${race.refusedBefore})\n` +
      `  sent after it:                           ${race.sentAfter} (401: ${race.refusedAfter})\n` +
      `  accepted (200) though sent after the revoke response: ${race.acceptedAfter} (must be 0): ${race.acceptedAfter === 0 ? 'OK' : 'FAIL'}\n` +
      `  last accepted request was sent ${Math.abs(race.lastAcceptedSentMs).toFixed(2)} ms ${race.lastAcceptedSentMs <= 0 ? 'before' : 'AFTER'} the revoke response arrived`,
  );
  if (race.acceptedAfter > 0) failures.push(`revocation race: ${race.acceptedAfter} requests sent after the revoke response were accepted`);
  if (race.otherStatus > 0) failures.push(`revocation race: ${race.otherStatus} answers neither 200 nor 401`);
  if (race.keysNeverAccepted > 0) failures.push(`revocation race: ${race.keysNeverAccepted} keys were never accepted before their revocation`);
  if (race.sentAfter === 0) failures.push('revocation race: no request was sent after a revoke response');

  const side = (m) => ({
    rps: Math.round(m.rps),
    p50_ms: round(m.p50Ms, 3),
    p99_ms: round(m.p99Ms, 3),
    max_ms: round(m.maxMs, 3),
    requests: m.requests,
    non_2xx: m.non2xx,
    socket_errors: m.socketErrors,
    timeouts: m.timeouts,
    warmup_non_2xx: m.warmupNon2xx,
    warmup_socket_errors: m.warmupSocketErrors,
  });
  const results = {
    benchmark: 'verify-throughput',
    commit: run.commit,
    date: run.date,
    node: run.node,
    cpus: run.cpus,
    server: {
      log_level: logLevel,
      log_level_is_production_default: !diagnostic,
      batch_flush_interval_ms: FLUSH_INTERVAL_MS,
      last_used_recording: true,
      database: 'SQLite, fresh temp file',
    },
    pinning: { server: `taskset -c ${SERVER_CPU}`, baseline: `taskset -c ${SERVER_CPU}`, wrk: `taskset -c ${WRK_CPU}` },
    seed: {
      accounts: cookies.length,
      keys_per_account: KEYS_PER_ACCOUNT,
      keys: keys.length,
      concurrency: SEED_CONCURRENCY,
      seconds: round(seedSeconds, 1),
    },
    load: {
      tool: run.wrk,
      request: 'GET /v1/models, x-api-key: a random valid key per request',
      threads: 1,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmup_seconds: WARMUP_SECONDS,
      order: 'server then baseline, alternating',
      response_bytes: body.length,
    },
    rounds: rounds.map((r) => ({
      round: r.n,
      server: { ...side(r.server), log_bytes_per_request: Math.round(r.server.logBytesPerRequest) },
      baseline: side(r.baseline),
      ratio: round(r.ratio, 3),
    })),
    median: { server_rps: Math.round(medians.server), baseline_rps: Math.round(medians.baseline), ratio: round(medians.ratio, 3) },
    target_ratio: TARGET_RATIO,
    verdict,
    revocation_race: {
      keys: race.keys,
      loops_per_key: race.loops,
      sent_before_revoke_response: race.sentBefore,
      sent_after_revoke_response: race.sentAfter,
      accepted_before: race.acceptedBefore,
      refused_before: race.refusedBefore,
      refused_after: race.refusedAfter,
      accepted_after: race.acceptedAfter,
      other_status: race.otherStatus,
      last_accepted_sent_ms_relative_to_revoke_response: round(race.lastAcceptedSentMs, 3),
    },
    failures,
  };
  if (diagnostic) {
    out(`\nresults not written: diagnostic run at LOG_LEVEL=${logLevel}`);
  } else {
    out(`\nresults written to ${writeResults('verify-throughput', results)}`);
  }
  for (const failure of failures) out(`FAIL: ${failure}`);
  return failures.length === 0;
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  process.stderr.write(`verify-throughput failed: ${error?.stack ?? error}\n`);
} finally {
  await stopAll();
}
process.exit(ok ? 0 : 1);
