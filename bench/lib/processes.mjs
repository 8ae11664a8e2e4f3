/**
 * Helpers shared by the benchmarks: start server processes pinned to a core, seed accounts
 * and keys over HTTP, drive load with wrk, and clean up every child process on exit.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = new URL('../../', import.meta.url).pathname;
const children = new Set();

function killAll() {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const tempDirs = [];
process.on('exit', () => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Runs `node <script>` pinned to `cpu`, output to a log file; resolves once `ready(log)` matches. */
export async function startProcess({ script, args = [], env, cpu, logFile, ready }) {
  const out = logFile;
  writeFileSync(out, '');
  // Output goes straight to a file: no pipe to drain, so logging can never stall the server.
  const fd = openSync(out, 'a');
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, ...args, script], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', fd, fd],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const log = readFileSync(out, 'utf8');
    const match = ready(log);
    if (match) return { child, url: match, log: () => readFileSync(out, 'utf8') };
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${log}`);
    await sleep(50);
  }
  throw new Error(`${script} did not become ready:\n${readFileSync(out, 'utf8')}`);
}

/** A port that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The real server (`packages/server/dist/main.js`), its JSON log going to `logFile`. Ready
 * when /healthz answers, so this works at any log level.
 */
export async function startServer({ env, cpu, logFile, args = [] }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let healthy = false;
  const probe = () => fetch(`${url}/healthz`).then((r) => (healthy = r.ok), () => false);
  return startProcess({
    script: join(ROOT, 'packages/server/dist/main.js'),
    args,
    env: { ...env, PORT: String(port) },
    cpu,
    logFile,
    ready: () => {
      void probe();
      return healthy ? url : undefined;
    },
  });
}

export async function stopProcess(proc) {
  if (proc.child.exitCode !== null) return;
  proc.child.kill('SIGTERM');
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false) proc.child.kill('SIGKILL');
  await exited;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

export async function signup(url, email) {
  const response = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'benchmark password 1234', name: 'Bench' }),
  });
  if (response.status !== 201) throw new Error(`signup: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie').split(';')[0];
}

export async function createKey(url, cookie, name) {
  const response = await fetch(`${url}/api/v1/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: url },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201) throw new Error(`create key: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function revokeKey(url, cookie, id) {
  const response = await fetch(`${url}/api/v1/keys/${id}`, { method: 'DELETE', headers: { cookie, origin: url } });
  if (response.status !== 200) throw new Error(`revoke: ${response.status}`);
}

/** Seeds `accounts` accounts with `keysPerAccount` keys each; returns the secrets and a session per account. */
export async function seed(url, accounts, keysPerAccount) {
  const tag = Math.random().toString(36).slice(2, 8);
  const cookies = await pool(Array.from({ length: accounts }, (_, i) => i), 8, (i) => signup(url, `bench-${tag}-${i}@example.com`));
  const jobs = cookies.flatMap((cookie) => Array.from({ length: keysPerAccount }, () => cookie));
  const keys = await pool(jobs, 20, (cookie, i) => createKey(url, cookie, `bench ${i}`));
  return { cookies, keys };
}

export function ensureWrk() {
  try {
    execFileSync('which', ['wrk'], { stdio: 'ignore' });
  } catch {
    process.stdout.write('installing wrk with apt-get…\n');
    try {
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
    } catch {
      execFileSync('apt-get', ['update'], { stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
    }
  }
}

const WRK_SCRIPT = `
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS_FILE")) do keys[#keys + 1] = line end
local path = os.getenv("BENCH_PATH")
function init(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end
function request() return wrk.format("GET", path, { ["x-api-key"] = keys[math.random(#keys)] }) end
function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("BENCH %d %d %d %.1f %.1f %d\\n", summary.requests, summary.duration, non2xx,
    latency:percentile(50), latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`;

/** One wrk run against `url + path` with random keys from `keysFile`, pinned to `cpu`. */
export function wrk({ url, path, keysFile, connections, seconds, cpu }) {
  const dir = tempDir('skytells-wrk-');
  const script = join(dir, 'random-key.lua');
  writeFileSync(script, WRK_SCRIPT);
  const output = execFileSync('taskset', ['-c', String(cpu), 'wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url], {
    env: { ...process.env, BENCH_KEYS_FILE: keysFile, BENCH_PATH: path },
    encoding: 'utf8',
  });
  const match = /^BENCH (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)$/m.exec(output);
  if (!match) throw new Error(`unexpected wrk output:\n${output}`);
  const [, requests, durationUs, non2xx, p50, p99, socketErrors] = match.map(Number);
  return { rps: requests / (durationUs / 1e6), p50Ms: p50 / 1000, p99Ms: p99 / 1000, requests, non2xx, socketErrors };
}

export function commitId() {
  const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  return dirty ? `${sha}-dirty` : sha;
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
