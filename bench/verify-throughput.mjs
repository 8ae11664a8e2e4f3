#!/usr/bin/env node
/**
 * `npm run bench` — throughput and tail latency of the verify path, the cost of usage
 * recording, and the revocation race. `npm run bench -- --postgres` runs the same on
 * PostgreSQL, against the same baseline.
 *
 * Measures `GET /v1/models` with a valid API key (key verification, last-used recording,
 * usage recording and the access log at the production default LOG_LEVEL=info and default
 * BATCH_FLUSH_INTERVAL_MS) against a bare node:http baseline that only hashes the key
 * (SHA-256), looks it up in a Map and returns the same bytes (bench/baseline-server.mjs).
 *
 * - Seeds 10,000 keys across 100 accounts over HTTP on a fresh database (a SQLite file, or
 *   a fresh PostgreSQL database on TEST_DATABASE_URL's server with its processes pinned to
 *   wrk's core, off the server's).
 * - wrk -t1 -c50 -d10s, a key chosen at random from the 10,000 for every request, each key
 *   always with the same one of three User-Agents; server and baseline pinned to core 0, wrk
 *   to core 1 (taskset). First the keys' first use on the server (uncounted: every key once,
 *   then random ones, 2 s; the flush after it writes every key's first last use, which a key
 *   does once in its life, and would otherwise fall in round 1). A baseline round, then 5 rounds of server then baseline, each
 *   measured run after an uncounted 2 s warm-up that uses every key once, then random ones. Each server round is compared with the
 *   baseline runs just before and just after it (the mean of their req/s and of their p99):
 *   these machines' speed drifts by tens of percent over a minute, and a bracket cancels a steady
 *   drift that a comparison with one neighbour takes for the server's own. Reports req/s,
 *   p50, p99 and p99.9 per run, the CPU time a request costs on the pinned core (main thread
 *   and other threads apart, from /proc), the median req/s of each side, the median of the per-round
 *   ratios, the trend (last round's server req/s / the first's), and per round the rows the
 *   batch flushes wrote and the longest event-loop stall during a flush (from /metrics).
 * - Usage: after the rounds, the usage API's request totals (every account) against the
 *   requests wrk completed; the size of the per-minute group table per million requests;
 *   one key's request groups (minute, IP, user agent, count).
 * - Revocation race: for 20 fresh keys, 8 concurrent keep-alive request loops use the key
 *   while it is revoked; a 200 for a request *sent* after the DELETE response arrived fails.
 *
 * Exits non-zero if the server answered any load request with a non-2xx (or dropped a
 * connection), if the usage totals disagree with wrk beyond the stated tolerance, or if
 * the race accepted a request sent after revocation. Performance targets are reported.
 * Results go to bench/results/verify-throughput[-postgres].json.
 *
 * BENCH_LOG_LEVEL, BENCH_ROUNDS and BENCH_SECONDS change the run for diagnosis only: such a
 * run is labelled as such and does not overwrite the results file.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { maxBucketBetween, sample, scrape } from './lib/metrics.mjs';
import { createBenchDatabase, pinPostgres } from './lib/postgres.mjs';
import { ROOT, startListeningScript, startServer, stopAll, stopProcess, tempDir, threadCpuSeconds, waitUntilIdle } from './lib/processes.mjs';
import { commitId, median, round, writeResults } from './lib/results.mjs';
import { createKey, revokeKey, seed } from './lib/seed.mjs';
import { ensureWrk, wrk } from './lib/wrk.mjs';

const ACCOUNTS = 100;
const KEYS_PER_ACCOUNT = 100;
const SEED_CONCURRENCY = 20;
const DEFAULT_ROUNDS = 5;
const DEFAULT_SECONDS = 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const SERVER_CPU = 0;
const WRK_CPU = 1;
const TARGET_RATIO = { sqlite: 0.65, postgres: 0.5 };
const STRETCH_RATIO = 0.75;
const TARGET_P99_FACTOR = 3;
const TARGET_TREND = 0.9;
const RACE_KEYS = 20;
const RACE_LOOPS = 8;
const RACE_TAIL_MS = 50;
/** The server's default, and what production runs. */
const DEFAULT_LOG_LEVEL = 'info';
/** The server's default BATCH_FLUSH_INTERVAL_MS: last-used and usage batches flush this often. */
const FLUSH_INTERVAL_MS = 5000;

const out = (line = '') => process.stdout.write(`${line}\n`);
const postgres = process.argv.includes('--postgres');
const dialect = postgres ? 'postgres' : 'sqlite';
const logLevel = process.env.BENCH_LOG_LEVEL || DEFAULT_LOG_LEVEL;
const ROUNDS = Number(process.env.BENCH_ROUNDS || DEFAULT_ROUNDS);
const SECONDS = Number(process.env.BENCH_SECONDS || DEFAULT_SECONDS);
const diagnostic = logLevel !== DEFAULT_LOG_LEVEL || ROUNDS !== DEFAULT_ROUNDS || SECONDS !== DEFAULT_SECONDS;

/** After a server round the server still has batches to flush: let it finish before the baseline runs. */
async function settle(proc) {
  const start = performance.now();
  await sleep(FLUSH_INTERVAL_MS + 250);
  await waitUntilIdle(proc);
  return performance.now() - start;
}

async function load(target, keysFile, seconds, everyKeyFirst = false) {
  return wrk({ url: target.url, path: '/v1/models', keysFile, connections: CONNECTIONS, seconds, cpu: WRK_CPU, everyKeyFirst });
}

/**
 * Warm-up (not counted, but its errors are), then the measured run. The warm-up uses every key
 * once before its random picks: between its rounds the server sits idle for longer than most
 * cache entries live, and random picks alone would leave about a third of the keys uncached
 * after 2 s (10,000 keys take about 90,000 random picks to all come up), so the measured run
 * would start with a burst of misses that continuous traffic, which keeps busy keys cached,
 * never has. Both sides get the same warm-up.
 */
async function measure(target, keysFile) {
  const warmup = await load(target, keysFile, WARMUP_SECONDS, true);
  const logBefore = target.logBytes();
  const cpuBefore = threadCpuSeconds(target.pid);
  const r = await load(target, keysFile, SECONDS);
  const cpuAfter = threadCpuSeconds(target.pid);
  r.logBytesPerRequest = (target.logBytes() - logBefore) / Math.max(1, r.requests);
  // Everything of the process runs on its one core: the main thread's share and the rest's.
  r.cpuUsPerRequest = {
    main: ((cpuAfter.main - cpuBefore.main) * 1e6) / Math.max(1, r.requests),
    others: ((cpuAfter.others - cpuBefore.others) * 1e6) / Math.max(1, r.requests),
  };
  r.warmupRequests = warmup.requests;
  r.warmupNon2xx = warmup.non2xx;
  r.warmupSocketErrors = warmup.socketErrors;
  r.warmupTimeouts = warmup.timeouts;
  return r;
}

const cpuOf = (m) => `CPU a request: main thread ${m.cpuUsPerRequest.main.toFixed(1)} µs, other threads ${m.cpuUsPerRequest.others.toFixed(1)} µs`;

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

/** The usage table's rows, requests and bytes (tables and their indexes). */
async function usageState(databaseUrl) {
  if (!postgres) {
    const db = new BetterSqlite3(databaseUrl, { readonly: true });
    try {
      const { groups, requests } = db.prepare('select count(*) as groups, coalesce(sum(requests), 0) as requests from usage_minutes').get();
      const { bytes } = db
        .prepare(
          "select coalesce(sum(pgsize), 0) as bytes from dbstat where name = 'usage_minutes' or name like 'usage_minutes_%' or name like 'sqlite_autoindex_usage_minutes%'",
        )
        .get();
      return { groups, requests, bytes };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      "select count(*)::bigint as groups, coalesce(sum(requests), 0)::bigint as requests, pg_total_relation_size('usage_minutes') as bytes from usage_minutes",
    );
    return { groups: Number(rows[0].groups), requests: Number(rows[0].requests), bytes: Number(rows[0].bytes) };
  } finally {
    await client.end();
  }
}

/** Sum of every account's usage totals (requests) since `from`, through the usage API. */
async function usageApiTotal(url, cookies, from) {
  let total = 0;
  for (const cookie of cookies) {
    const response = await fetch(`${url}/api/v1/usage?from=${new Date(from).toISOString()}`, { headers: { cookie } });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`usage API: ${response.status} ${JSON.stringify(body)}`);
    total += body.totals.requests;
  }
  return total;
}

function header() {
  const wrkVersion = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].split(' [')[0];
  return { commit: commitId(), date: new Date().toISOString(), node: process.version, cpus: availableParallelism(), wrk: wrkVersion };
}

async function main() {
  ensureWrk();
  const run = header();
  const failures = [];
  const cleanups = [];
  try {
    out(`verify-throughput (${dialect}): commit ${run.commit}, ${run.date}, node ${run.node}, ${run.cpus} cores, ${run.wrk}`);
    if (run.cpus < 2) out('warning: fewer than 2 cores; the server and wrk cannot be kept apart');
    if (process.env.LOG_LEVEL)
      out(`note: LOG_LEVEL=${process.env.LOG_LEVEL} in the environment is ignored (use BENCH_LOG_LEVEL for a diagnostic run)`);
    out(
      `server LOG_LEVEL=${logLevel}, BATCH_FLUSH_INTERVAL_MS=${FLUSH_INTERVAL_MS}, ${ROUNDS} rounds of ${SECONDS} s` +
        (diagnostic ? ' (DIAGNOSTIC RUN: not the production defaults or the standard rounds; results file not written)' : ' (production defaults)'),
    );
    out(
      `pinning: server and baseline on core ${SERVER_CPU} (taskset -c ${SERVER_CPU}), wrk on core ${WRK_CPU} (taskset -c ${WRK_CPU} wrk -t1 -c${CONNECTIONS} -d${SECONDS}s)`,
    );

    const dir = tempDir('skytells-bench-');
    let databaseUrl = join(dir, 'bench.db');
    let pinnedPostgres = 0;
    if (postgres) {
      const database = await createBenchDatabase();
      cleanups.push(() => database.drop());
      databaseUrl = database.url;
      const pin = pinPostgres(WRK_CPU);
      cleanups.push(() => pin.restore());
      pinnedPostgres = pin.pinned;
      out(
        `PostgreSQL database ${database.name}; ${pin.pinned} PostgreSQL processes pinned to core ${WRK_CPU} (with wrk), off the server's core` +
          (pin.pinned === 0 ? ' (could not pin: PostgreSQL shares the cores)' : ''),
      );
    }
    const server = await startServer({
      env: { DATABASE_URL: databaseUrl, ...(logLevel !== DEFAULT_LOG_LEVEL ? { LOG_LEVEL: logLevel } : {}) },
      cpu: SERVER_CPU,
      logFile: join(dir, 'server.log'),
    });
    out(`server ${server.url} (pid ${server.pid}), ${postgres ? 'PostgreSQL' : `SQLite at ${databaseUrl}`}, stdout to ${server.logFile}`);

    // Seed.
    const benchStart = Date.now();
    const seedStart = performance.now();
    const { cookies, keys } = await seed(server.url, { accounts: ACCOUNTS, keysPerAccount: KEYS_PER_ACCOUNT, concurrency: SEED_CONCURRENCY });
    const seedSeconds = (performance.now() - seedStart) / 1000;
    out(`seeded ${keys.length} keys across ${cookies.length} accounts in ${seedSeconds.toFixed(1)} s (${SEED_CONCURRENCY} requests in flight)`);
    const keysFile = join(dir, 'keys.txt');
    writeFileSync(keysFile, `${keys.map((k) => k.key).join('\n')}\n`);

    // The exact answer the baseline must give (this request is attributed too: counted below).
    const sample0 = await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': keys[0].key } });
    const body = Buffer.from(await sample0.arrayBuffer());
    const contentType = sample0.headers.get('content-type');
    if (sample0.status !== 200) throw new Error(`GET /v1/models with a fresh key: ${sample0.status} ${body}`);
    const attributedOutsideWrk = 1;
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
    out(
      `\nload: a baseline run, then ${ROUNDS} rounds of server then baseline, each ${WARMUP_SECONDS} s warm-up (not counted) + ${SECONDS} s measured; ` +
        'each server round against the mean of the baseline runs before and after it',
    );
    // Every key's first use ever, uncounted: the flush after it rewrites all 10,000 key rows with a
    // last use, a one-off a key pays once in its life, which would otherwise land in round 1.
    const firstUse = await load(server, keysFile, WARMUP_SECONDS, true);
    let wrkCompleted = firstUse.requests;
    let wrkRuns = 1;
    const firstUseSettledMs = await settle(server);
    out(
      `  first use: every key once, then random keys for ${WARMUP_SECONDS} s on the server (not counted): ${firstUse.requests} requests, non-2xx ${firstUse.non2xx}; ` +
        `the server was given ${(firstUseSettledMs / 1000).toFixed(1)} s to flush its batches and go idle`,
    );
    const baselineRuns = [await measure(baseline, keysFile)];
    out(
      `  round 0 baseline ${baselineRuns[0].rps.toFixed(0).padStart(6)} req/s  (${cpuOf(baselineRuns[0])}; non-2xx ${baselineRuns[0].non2xx}, timeouts ${baselineRuns[0].timeouts})`,
    );
    const rounds = [];
    for (let n = 1; n <= ROUNDS; n++) {
      const before = await scrape(server.url);
      const s = await measure(server, keysFile);
      wrkCompleted += s.requests + s.warmupRequests;
      wrkRuns += 2;
      const settledMs = await settle(server);
      const after = await scrape(server.url);
      s.rowsWritten = {
        usage: sample(after, 'batch_rows_written_total{batch="usage"}') - sample(before, 'batch_rows_written_total{batch="usage"}'),
        last_used: sample(after, 'batch_rows_written_total{batch="last_used"}') - sample(before, 'batch_rows_written_total{batch="last_used"}'),
      };
      s.flushes = sample(after, 'batch_flush_event_loop_stall_seconds_count') - sample(before, 'batch_flush_event_loop_stall_seconds_count');
      s.flushStallMaxBoundMs = maxBucketBetween(before, after, 'batch_flush_event_loop_stall_seconds') * 1000;
      s.flushStallMaxSoFarMs = sample(after, 'batch_flush_event_loop_stall_max_seconds') * 1000;
      out(
        `  round ${n} server   ${s.rps.toFixed(0).padStart(6)} req/s  (${cpuOf(s)}; non-2xx ${s.non2xx}, timeouts ${s.timeouts}, ${s.logBytesPerRequest.toFixed(1)} log bytes/request; ` +
          `${s.flushes} flushes wrote ${s.rowsWritten.usage} usage-group and ${s.rowsWritten.last_used} last-used rows; ` +
          `longest loop stall during a flush <= ${s.flushStallMaxBoundMs} ms)`,
      );
      const b = await measure(baseline, keysFile);
      out(
        `  round ${n} baseline ${b.rps.toFixed(0).padStart(6)} req/s  (${cpuOf(b)}; non-2xx ${b.non2xx}, timeouts ${b.timeouts}; the server was given ${(settledMs / 1000).toFixed(1)} s to flush its batches and go idle first)`,
      );
      const previous = baselineRuns.at(-1);
      baselineRuns.push(b);
      const bracket = { rps: (previous.rps + b.rps) / 2, p99Ms: (previous.p99Ms + b.p99Ms) / 2 };
      rounds.push({
        n,
        server: s,
        baseline: b,
        bracket,
        ratio: s.rps / bracket.rps,
        p99Factor: s.p99Ms / bracket.p99Ms,
        ratioAfterOnly: s.rps / b.rps,
      });
    }
    await stopProcess(baseline);
    if (firstUse.non2xx > 0) failures.push(`first use: the server answered ${firstUse.non2xx} requests with valid keys with a non-2xx status`);
    if (firstUse.socketErrors > 0) failures.push(`first use: ${firstUse.socketErrors} socket errors (connect/read/write) against the server`);
    for (const [name, runs] of [
      ['server', rounds.map((r) => r.server)],
      ['baseline', baselineRuns],
    ]) {
      for (const [i, m] of runs.entries()) {
        const n = name === 'server' ? i + 1 : i;
        const non2xx = m.non2xx + m.warmupNon2xx;
        const dropped = m.socketErrors + m.warmupSocketErrors;
        if (non2xx > 0) failures.push(`round ${n}: the ${name} answered ${non2xx} requests with valid keys with a non-2xx status`);
        if (dropped > 0) failures.push(`round ${n}: ${dropped} socket errors (connect/read/write) against the ${name}`);
      }
    }
    const medians = {
      server: median(rounds.map((r) => r.server.rps)),
      baseline: median(baselineRuns.map((b) => b.rps)),
      ratio: median(rounds.map((r) => r.ratio)),
      ratioAfterOnly: median(rounds.map((r) => r.ratioAfterOnly)),
    };
    const trend = rounds.at(-1).server.rps / rounds[0].server.rps;
    // The baseline's own trend shows how much of the server's is the machine.
    const baselineTrend = rounds.at(-1).bracket.rps / rounds[0].bracket.rps;
    const final = await scrape(server.url);
    const flushStallMaxMs = sample(final, 'batch_flush_event_loop_stall_max_seconds') * 1000;
    const loopDelayMaxMs = sample(final, 'event_loop_delay_max_seconds') * 1000;
    const flushStepMaxMs = sample(final, 'batch_flush_step_max_seconds') * 1000;
    const steps = sample(final, 'batch_flush_step_seconds_count');
    const stepsOver = (le) => steps - sample(final, `batch_flush_step_seconds_bucket{le="${le}"}`);
    const targets = {
      ratio: medians.ratio >= TARGET_RATIO[dialect],
      stretch: medians.ratio >= STRETCH_RATIO,
      p99: rounds.every((r) => r.p99Factor <= TARGET_P99_FACTOR),
      trend: trend >= TARGET_TREND,
    };
    const verdict = targets.ratio && targets.p99 && targets.trend ? 'PASS' : 'BELOW TARGET';

    const num = (v, w, d = 2) => v.toFixed(d).padStart(w);
    out(
      `\nGET /v1/models on ${dialect}, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, a random one of ${keys.length} valid keys per request, LOG_LEVEL=${logLevel}`,
    );
    out(
      'The baseline columns of round n are its run after server round n; ratio and p99 x compare server round n with the mean of the baseline runs n-1 and n.',
    );
    out('round |   server req/s   p50 ms   p99 ms p99.9 ms | baseline req/s   p50 ms   p99 ms p99.9 ms | ratio | p99 x | flush stall');
    out('------+------------------------------------------+------------------------------------------+-------+-------+------------');
    const cols = (m) => `${num(m.rps, 14, 0)} ${num(m.p50Ms, 8)} ${num(m.p99Ms, 8)} ${num(m.p999Ms, 8)}`;
    out(`${'0'.padStart(5)} | ${' '.repeat(40)} | ${cols(baselineRuns[0])} |       |       |`);
    for (const r of rounds) {
      out(
        `${String(r.n).padStart(5)} | ${cols(r.server)} | ${cols(r.baseline)} | ${r.ratio.toFixed(3)} | ${num(r.p99Factor, 5, 1)} | <= ${r.server.flushStallMaxBoundMs} ms`,
      );
    }
    out(`median| ${num(medians.server, 14, 0)}${' '.repeat(27)} | ${num(medians.baseline, 14, 0)}${' '.repeat(27)} | ${medians.ratio.toFixed(3)} |`);
    out(
      `median ratio server/baseline ${medians.ratio.toFixed(3)} (target >= ${TARGET_RATIO[dialect]}: ${targets.ratio ? 'met' : 'NOT MET'}; stretch ${STRETCH_RATIO}: ${targets.stretch ? 'met' : 'not met'}); ` +
        `against the following baseline run alone: ${medians.ratioAfterOnly.toFixed(3)}`,
    );
    out(
      `server p99 <= ${TARGET_P99_FACTOR} x baseline p99 in every round: ${targets.p99 ? 'met' : 'NOT MET'} (${rounds.map((r) => r.p99Factor.toFixed(1)).join(', ')})`,
    );
    out(
      `trend (last round's server req/s / the first's) ${trend.toFixed(3)} (target >= ${TARGET_TREND}: ${targets.trend ? 'met' : 'NOT MET'}); the baseline's own: ${baselineTrend.toFixed(3)}`,
    );
    const medianCpu = (runs) =>
      `main thread ${median(runs.map((m) => m.cpuUsPerRequest.main)).toFixed(1)} µs + other threads ${median(runs.map((m) => m.cpuUsPerRequest.others)).toFixed(1)} µs`;
    out(`CPU a request on the pinned core (medians, /proc): server ${medianCpu(rounds.map((r) => r.server))}; baseline ${medianCpu(baselineRuns)}`);
    out(
      `event loop during batch flushes: ${steps} synchronous flush steps (the flush's own share, wall time), ${stepsOver('0.001')} over 1 ms, ${stepsOver('0.005')} over 5 ms, longest ${flushStepMaxMs.toFixed(2)} ms; ` +
        `longest delay while a flush ran ${flushStallMaxMs.toFixed(2)} ms (1 ms sampling; includes other callbacks, GC and the machine); longest anywhere since start ${loopDelayMaxMs.toFixed(2)} ms`,
    );
    out(`verdict: ${verdict}`);

    // Usage: totals against wrk, table size, one key's groups.
    const usageTotal = await usageApiTotal(server.url, cookies, benchStart - 60_000);
    const expected = wrkCompleted + attributedOutsideWrk;
    // wrk counts the answers it read; an answer the server sent as wrk stopped is counted by the server only.
    const tolerance = wrkRuns * CONNECTIONS;
    const usageDiff = usageTotal - expected;
    const state = await usageState(databaseUrl);
    const bytesPerMillion = state.requests > 0 ? (state.bytes / state.requests) * 1e6 : 0;
    const probe = keys[keys.length >> 1];
    const groupsOfKey = await fetch(
      `${server.url}/api/v1/usage/events?key_id=${probe.id}&from=${new Date(benchStart - 60_000).toISOString()}&per_page=100`,
      { headers: { cookie: cookies[probe.account] } },
    ).then((r) => r.json());
    const shown = groupsOfKey.data
      .slice(0, 3)
      .map((g) => `${g.minute} ${g.ip} "${g.user_agent}" ${g.method} ${g.route} ${g.status_code} x${g.requests}`);
    out(
      `\nusage: the usage API counts ${usageTotal} requests; wrk completed ${wrkCompleted} (${wrkRuns} runs, warm-ups included) + ${attributedOutsideWrk} other attributed request = ${expected}; ` +
        `difference ${usageDiff} (allowed 0..${tolerance}: answers in flight when wrk stopped, which the server counts and wrk does not; nothing is left unflushed: the server was idle after its last flush): ${usageDiff >= 0 && usageDiff <= tolerance ? 'OK' : 'FAIL'}`,
    );
    out(
      `usage table: ${state.groups} per-minute groups for ${state.requests} requests, ${(state.bytes / 1e6).toFixed(1)} MB with indexes: ${(bytesPerMillion / 1e6).toFixed(2)} MB per million requests ` +
        `(${keys.length} keys x 3 user agents x 1 IP x 1 route: every key busy every minute, the most diverse traffic per request this bench can make)`,
    );
    out(`one key's request groups (${probe.id}): ${groupsOfKey.data.length} groups; newest: ${shown.join(' | ')}`);
    if (usageDiff < 0 || usageDiff > tolerance)
      failures.push(`usage: the usage API counts ${usageTotal}, wrk ${expected} (allowed difference 0..${tolerance})`);
    if (groupsOfKey.data.length === 0 || groupsOfKey.data.some((g) => !g.ip || !g.user_agent)) {
      failures.push("usage: a key's request groups are missing, or lack the IP or user agent");
    }

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
      p999_ms: round(m.p999Ms, 3),
      max_ms: round(m.maxMs, 3),
      cpu_us_per_request: { main_thread: round(m.cpuUsPerRequest.main, 1), other_threads: round(m.cpuUsPerRequest.others, 1) },
      requests: m.requests,
      non_2xx: m.non2xx,
      socket_errors: m.socketErrors,
      timeouts: m.timeouts,
      warmup_non_2xx: m.warmupNon2xx,
      warmup_socket_errors: m.warmupSocketErrors,
    });
    const results = {
      benchmark: 'verify-throughput',
      database: dialect,
      commit: run.commit,
      date: run.date,
      node: run.node,
      cpus: run.cpus,
      server: {
        log_level: logLevel,
        log_level_is_production_default: logLevel === DEFAULT_LOG_LEVEL,
        batch_flush_interval_ms: FLUSH_INTERVAL_MS,
        last_used_recording: true,
        usage_recording: 'per-minute groups',
        database: postgres
          ? `PostgreSQL, fresh database; ${pinnedPostgres} PostgreSQL processes pinned to core ${WRK_CPU}`
          : 'SQLite, fresh temp file',
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
        request: 'GET /v1/models, x-api-key: a random valid key per request, one of 3 user agents per key',
        threads: 1,
        connections: CONNECTIONS,
        rounds: ROUNDS,
        seconds: SECONDS,
        warmup_seconds: WARMUP_SECONDS,
        order: 'baseline, then server and baseline alternating; each server round against the mean of the baseline runs before and after it',
        response_bytes: body.length,
      },
      rounds: rounds.map((r) => ({
        round: r.n,
        server: {
          ...side(r.server),
          log_bytes_per_request: round(r.server.logBytesPerRequest, 1),
          flushes: r.server.flushes,
          rows_written: r.server.rowsWritten,
          flush_event_loop_stall_max_ms_bucket: r.server.flushStallMaxBoundMs,
        },
        baseline: side(r.baseline),
        baseline_bracket: { rps: Math.round(r.bracket.rps), p99_ms: round(r.bracket.p99Ms, 3) },
        ratio: round(r.ratio, 3),
        p99_factor: round(r.p99Factor, 2),
        ratio_against_following_baseline: round(r.ratioAfterOnly, 3),
      })),
      server_first_use: {
        requests: firstUse.requests,
        non_2xx: firstUse.non2xx,
        socket_errors: firstUse.socketErrors,
        settled_ms: Math.round(firstUseSettledMs),
      },
      baseline_round_0: side(baselineRuns[0]),
      median: {
        server_rps: Math.round(medians.server),
        baseline_rps: Math.round(medians.baseline),
        ratio: round(medians.ratio, 3),
        ratio_against_following_baseline: round(medians.ratioAfterOnly, 3),
      },
      trend: round(trend, 3),
      baseline_trend: round(baselineTrend, 3),
      flush_step_max_ms: round(flushStepMaxMs, 2),
      flush_steps: { count: steps, over_1ms: stepsOver('0.001'), over_5ms: stepsOver('0.005') },
      flush_event_loop_stall_max_ms: round(flushStallMaxMs, 2),
      event_loop_delay_max_ms: round(loopDelayMaxMs, 2),
      targets: {
        median_ratio: TARGET_RATIO[dialect],
        stretch_ratio: STRETCH_RATIO,
        p99_factor: TARGET_P99_FACTOR,
        trend: TARGET_TREND,
        met: targets,
      },
      verdict,
      usage: {
        api_total_requests: usageTotal,
        wrk_completed: wrkCompleted,
        other_attributed: attributedOutsideWrk,
        difference: usageDiff,
        allowed_difference: `0..${tolerance}`,
        groups: state.groups,
        group_requests: state.requests,
        table_bytes: state.bytes,
        bytes_per_million_requests: Math.round(bytesPerMillion),
        probe_key_groups: groupsOfKey.data.length,
      },
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
      out('\nresults not written: diagnostic run');
    } else {
      out(`\nresults written to ${writeResults(postgres ? 'verify-throughput-postgres' : 'verify-throughput', results)}`);
    }
    for (const failure of failures) out(`FAIL: ${failure}`);
    return failures.length === 0;
  } finally {
    await stopAll();
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
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
