#!/usr/bin/env node
/**
 * `npm run bench:instructions` — what one `/v1` request costs, in CPU instructions: a figure
 * that does not move with the machine's load, where `npm run bench`'s req/s do (the same code
 * gives ratios 0.56–0.70 from run to run on these machines).
 *
 * Four servers answer `GET /v1/models` with the same bytes, each run under valgrind's
 * callgrind, which counts the instructions every thread executes:
 * - baseline: bench/baseline-server.mjs, bare node:http (SHA-256 of the key, a Map lookup);
 * - fastify route: bench/fastify-route-server.mjs, one Fastify route with an auth hook doing
 *   the same, a response hook and the same headers: the framework, none of the product;
 * - server: the real server on SQLite, production defaults (LOG_LEVEL=info, usage and
 *   last-used recording, metrics), with one change: VERIFY_CACHE_TTL_SECONDS=3600, because
 *   under valgrind a request takes ~50× longer and the 30 s TTL would turn most hits into
 *   misses. Flushes still run every 5 s of slowed time (see the key count below);
 * - server, misses: the same with VERIFY_CACHE_SIZE=0, so that every request is a cache miss
 *   (one indexed lookup by hash): its difference from the server's figure is what a miss costs.
 *
 * 100 keys: under valgrind a flush (every 5 s) covers about 1,000 requests, so 100 keys give it
 * about 0.1 usage group a request, as `npm run bench`'s 10,000 keys do at full speed (a flush
 * per ~90,000 requests). With more keys the flushes' share would be overstated.
 *
 * Each server is started twice on a fresh copy of the seeded database; a client
 * outside valgrind sends WARM requests to one and WARM + MEASURED to the other (10 keep-alive
 * connections, every key in turn, three user agents). The difference between the two runs'
 * counts, divided by MEASURED, is the cost of one warmed-up request: start-up, compilation and
 * shutdown cancel out. Reported for the main thread (the event loop: what bounds throughput),
 * with each server's ratio baseline/server: the instruction-count counterpart of `npm run
 * bench`'s ratio. The other threads' counts are kept in the results file but not compared:
 * V8's background compilation and marking do different amounts of work from run to run, so
 * their differences are not a per-request cost (the server's writer thread, its only other
 * per-request work, takes 4–6% of a core at full load in `npm run bench`).
 * Results go to bench/results/instructions.json. Takes about 15 minutes.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { freePort, ROOT, SERVER_MAIN, startProcess, startServer, stopAll, stopProcess, tempDir } from './lib/processes.mjs';
import { commitId, round, writeResults } from './lib/results.mjs';
import { seed } from './lib/seed.mjs';

const KEYS_ACCOUNTS = 1;
const KEYS_PER_ACCOUNT = 100;
const WARM = Number(process.env.BENCH_WARM || 10_000);
const MEASURED = Number(process.env.BENCH_MEASURED || 10_000);
const CONNECTIONS = 10;
const AGENTS = ['skytells-python/1.4.2', 'skytells-js/2.0.1 node/20.19', 'curl/8.5.0'];
const out = (line = '') => process.stdout.write(`${line}\n`);

function ensureValgrind() {
  try {
    execFileSync('which', ['valgrind'], { stdio: 'ignore' });
  } catch {
    out('valgrind not found: installing it with apt-get');
    execFileSync('apt-get', ['install', '-y', 'valgrind'], { stdio: 'ignore' });
  }
  return execFileSync('valgrind', ['--version'], { encoding: 'utf8' }).trim();
}

/** Sends `count` requests, key by key in turn, over keep-alive connections; fails on any non-200. */
async function drive(url, keys, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { hostname, port } = new URL(url);
  let next = 0;
  const get = (i) =>
    new Promise((resolve, reject) => {
      const key = i % keys.length;
      const headers = { 'x-api-key': keys[key], 'user-agent': AGENTS[key % AGENTS.length] };
      request({ agent, host: hostname, port, path: '/v1/models', headers }, (response) => {
        response.resume();
        response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
      })
        .on('error', reject)
        .end();
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) await get(next++);
    }),
  );
  agent.destroy();
}

/** Instructions per thread, main thread first, from callgrind's per-thread files of one process. */
function threadCounts(dir, label, pid) {
  return readdirSync(dir)
    .filter((name) => name.startsWith(`cg.${label}.${pid}-`))
    .sort()
    .map((name) => Number(/^summary: (\d+)$/m.exec(readFileSync(join(dir, name), 'utf8'))?.[1] ?? 0));
}

/** Runs `script` under callgrind, sends `count` requests, stops it; returns its instruction counts. */
async function countRun(dir, label, script, env, keys, count) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    script,
    wrapper: ['valgrind', '--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${join(dir, `cg.${label}.%p`)}`],
    env: { ...env, PORT: String(port) },
    logFile: join(dir, `${label}.log`),
    // Any answer will do: the baselines answer every path, the server has /healthz.
    ready: () =>
      fetch(`${url}/healthz`).then(
        () => url,
        () => undefined,
      ),
    // Valgrind translates and compiles everything first: start-up takes tens of seconds.
    timeoutMs: 300_000,
  });
  await drive(url, keys, count);
  await stopProcess(proc, 60_000);
  const threads = threadCounts(dir, label, proc.pid);
  return { main: threads[0], threads };
}

async function main() {
  const valgrind = ensureValgrind();
  const dir = tempDir('skytells-bench-instructions-');
  const seeded = join(dir, 'seeded.db');
  const seeder = await startServer({ env: { DATABASE_URL: seeded }, logFile: join(dir, 'seed.log') });
  const { keys } = await seed(seeder.url, { accounts: KEYS_ACCOUNTS, keysPerAccount: KEYS_PER_ACCOUNT });
  const answer = await fetch(`${seeder.url}/v1/models`, { headers: { 'x-api-key': keys[0].key } });
  const bodyFile = join(dir, 'body');
  writeFileSync(bodyFile, Buffer.from(await answer.arrayBuffer()));
  const contentType = answer.headers.get('content-type');
  await stopProcess(seeder);
  const keysFile = join(dir, 'keys.txt');
  writeFileSync(keysFile, `${keys.map((k) => k.key).join('\n')}\n`);
  const secrets = keys.map((k) => k.key);

  /** The real server, each run on its own copy of the seeded database. */
  const serverTarget = (name, settings) => ({
    name,
    script: SERVER_MAIN,
    env: (run) => {
      const file = join(dir, `${run}.db`);
      copyFileSync(seeded, file);
      if (existsSync(`${seeded}-wal`)) copyFileSync(`${seeded}-wal`, `${file}-wal`);
      return { HOST: '127.0.0.1', DATABASE_URL: file, ...settings };
    },
  });
  const baselineEnv = { BASELINE_KEYS_FILE: keysFile, BASELINE_BODY_FILE: bodyFile, BASELINE_CONTENT_TYPE: contentType };
  const targets = [
    { name: 'baseline', script: join(ROOT, 'bench/baseline-server.mjs'), env: () => baselineEnv },
    { name: 'fastify route', script: join(ROOT, 'bench/fastify-route-server.mjs'), env: () => baselineEnv },
    serverTarget('server', { VERIFY_CACHE_TTL_SECONDS: '3600' }),
    // Every request a verify-cache miss (a cache of size 0): what a miss adds to a hit.
    serverTarget('server, misses', { VERIFY_CACHE_SIZE: '0' }),
  ];
  out(`instructions per request: commit ${commitId()}, node ${process.version}, ${valgrind}`);
  out(`${keys.length} keys; per server: one run of ${WARM} requests and one of ${WARM + MEASURED}, ${CONNECTIONS} keep-alive connections`);
  const results = [];
  for (const target of targets) {
    const label = target.name.replace(/\W/g, '-');
    const warm = await countRun(dir, `${label}-warm`, target.script, target.env(`${label}-warm`), secrets, WARM);
    const full = await countRun(dir, `${label}-full`, target.script, target.env(`${label}-full`), secrets, WARM + MEASURED);
    results.push({
      name: target.name,
      main_thread_per_request: Math.round((full.main - warm.main) / MEASURED),
      thread_counts: { warm: warm.threads, full: full.threads },
    });
    out(`  ${target.name}: measured`);
  }
  const [baseline] = results;
  out('\nserver          instructions a request (main thread)   ratio baseline/server');
  for (const r of results) {
    r.main_thread_ratio = round(baseline.main_thread_per_request / r.main_thread_per_request, 3);
    out(`${r.name.padEnd(15)} ${String(r.main_thread_per_request).padStart(36)}   ${r.main_thread_ratio.toFixed(3)}`);
  }
  const [, framework, server, misses] = results;
  out(
    `\nper request: node:http and the key check ${baseline.main_thread_per_request}, Fastify's route lifecycle ` +
      `+${framework.main_thread_per_request - baseline.main_thread_per_request}, the product's own work ` +
      `+${server.main_thread_per_request - framework.main_thread_per_request} (main thread); ` +
      `a verify-cache miss +${misses.main_thread_per_request - server.main_thread_per_request}`,
  );
  const file = writeResults('instructions', {
    benchmark: 'instructions',
    commit: commitId(),
    date: new Date().toISOString(),
    node: process.version,
    valgrind,
    keys: keys.length,
    warm_requests: WARM,
    measured_requests: MEASURED,
    connections: CONNECTIONS,
    server_env: 'production defaults, VERIFY_CACHE_TTL_SECONDS=3600',
    results,
  });
  out(`results written to ${file}`);
}

try {
  await main();
} finally {
  await stopAll();
}
