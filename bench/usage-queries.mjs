#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
/**
 * `npm run bench:usage`: the usage API with 1,000,000 per-minute request groups in the store.
 *
 * One SQLite database holds a large account (1,000,000 request groups over 30 days, 10 keys:
 * as diverse as traffic gets, every group a different minute, IP or user agent) and a small
 * one (10,000 groups, the baseline measured in the same run). Days before today are
 * rolled up, as the daily job leaves them. Each query is timed for both accounts through the
 * real server; the ratio large/small shows whether a query's cost grows with the data.
 * Results go to bench/results/usage-queries.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { ROOT, startServer, stopProcess, tempDir } from './lib/processes.mjs';
import { commitId, median } from './lib/results.mjs';
import { createKey, signup } from './lib/seed.mjs';

const DAY = 86_400_000;
const dir = tempDir('skytells-usage-');
const file = join(dir, 'usage.db');
const env = { DATABASE_URL: file, LOG_LEVEL: 'warn' };

// Accounts and keys through the API.
let server = await startServer({ env, cpu: 0, logFile: join(dir, 'server.log') });
const accounts = [];
for (const [name, events] of [
  ['large', 1_000_000],
  ['small', 10_000],
]) {
  const cookie = await signup(server.url, `usage-${name}-${Date.now()}@example.com`);
  const keys = [];
  for (let i = 0; i < 10; i++) keys.push(await createKey(server.url, cookie, `${name} ${i}`));
  const me = await (await fetch(`${server.url}/api/v1/account`, { headers: { cookie } })).json();
  accounts.push({ name, events, cookie, keys, accountId: me.id });
}
await stopProcess(server);

// Groups straight into the database: the API would take minutes to make a million.
const seedStart = performance.now();
const db = new Database(file);
const insert =
  db.prepare(`insert into usage_minutes (id, minute, account_id, credential_kind, credential_id, ip, user_agent, method, route, status_code, model,
    requests, errors, predictions, latency_sum_us, latency_max_us, charge_nanos)
  values (?, ?, ?, 'api_key', ?, ?, 'bench', 'POST', '/v1/predictions', ?, 'sandbox-text', 1, ?, ?, 3000, 3000, ?)`);
const now = Date.now();
const seedAll = db.transaction(() => {
  for (const account of accounts) {
    for (let i = 0; i < account.events; i++) {
      const at = now - Math.floor((i / account.events) * 30 * DAY) - 60_000;
      const ok = i % 50 !== 0;
      const id = `${account.name}${i.toString(36).padStart(8, '0')}`;
      const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
      insert.run(id, at - (at % 60_000), account.accountId, account.keys[i % 10].id, ip, ok ? 201 : 500, ok ? 0 : 1, ok ? 1 : 0, ok ? 1_000_000 : 0);
    }
  }
});
seedAll();
db.close();
const seedSeconds = (performance.now() - seedStart) / 1000;
process.stdout.write(`seeded ${accounts.map((a) => `${a.events} request groups (${a.name})`).join(' and ')} in ${seedSeconds.toFixed(1)} s\n`);
execFileSync(process.execPath, [join(ROOT, 'packages/server/dist/admin.js'), 'rollup'], { env: { ...process.env, ...env }, stdio: 'inherit' });

server = await startServer({ env, cpu: 0, logFile: join(dir, 'server.log') });
const iso = (ms) => encodeURIComponent(new Date(ms).toISOString());
const queries = (account) => {
  const key = account.keys[3].id;
  const middle = now - 15 * DAY;
  const cursor = Buffer.from(`${middle - (middle % 60_000)}:zzzzzzzzzzzzzzzzzzzzzz`).toString('base64url');
  return {
    'usage, 30 days by day': `/api/v1/usage`,
    'usage, 30 days, one key': `/api/v1/usage?key_id=${key}`,
    'usage, 24 hours by hour': `/api/v1/usage?granularity=hour&from=${iso(now - DAY)}`,
    'events, first page': `/api/v1/usage/events?per_page=50`,
    'events, one key': `/api/v1/usage/events?key_id=${key}&per_page=50`,
    'events, page mid-range': `/api/v1/usage/events?per_page=50&cursor=${cursor}`,
  };
};
const REPEATS = 25;
async function time(account, path) {
  const samples = [];
  for (let i = 0; i < REPEATS + 3; i++) {
    const start = performance.now();
    const response = await fetch(server.url + path, { headers: { cookie: account.cookie } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    if (i >= 3) samples.push(performance.now() - start);
  }
  return median(samples);
}
const rows = [];
for (const [label, path] of Object.entries(queries(accounts[0]))) {
  const large = await time(accounts[0], path);
  const small = await time(accounts[1], queries(accounts[1])[label]);
  rows.push({ query: label, large_ms: Number(large.toFixed(2)), small_ms: Number(small.toFixed(2)), ratio: Number((large / small).toFixed(2)) });
}
await stopProcess(server);

process.stdout.write(`\nmedian of ${REPEATS} requests; large = 1,000,000 request groups, small = 10,000 (same database, same run)\n`);
for (const r of rows)
  process.stdout.write(
    `  ${r.query.padEnd(28)} large ${r.large_ms.toFixed(2).padStart(7)} ms  small ${r.small_ms.toFixed(2).padStart(7)} ms  ratio ${r.ratio}\n`,
  );
const results = {
  benchmark: 'usage-queries',
  commit: commitId(),
  date: new Date().toISOString(),
  node: process.version,
  database: 'sqlite',
  request_groups: { large: 1_000_000, small: 10_000 },
  repeats: REPEATS,
  queries: rows,
};
const out = join(ROOT, 'bench/results/usage-queries.json');
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`results written to ${out}\n`);
