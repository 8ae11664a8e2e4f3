/**
 * Load generation with wrk: a Lua script that sends a key picked at random from a file (one
 * key a line) with every request (and a User-Agent that goes with the key), and reports throughput, latency percentiles and every kind
 * of error, non-2xx answers included, as one machine-readable line from its `done` hook.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, track } from './processes.mjs';

/** Installs wrk with apt-get when it is missing (apt-get update first only if needed). */
export function ensureWrk() {
  const has = () => {
    try {
      execFileSync('which', ['wrk'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return;
  process.stdout.write('wrk not found: installing it with apt-get\n');
  try {
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'ignore' });
  }
  if (!has()) throw new Error('wrk is not installed and apt-get could not install it');
}

// wrk counts an answer with status > 399 in summary.errors.status: that is its
// "Non-2xx or 3xx responses" line. Latency values are microseconds.
const SCRIPT = `
local keys = {}
for line in io.lines(os.getenv("BENCH_KEYS_FILE")) do
  if #line > 0 then keys[#keys + 1] = line end
end
local path = os.getenv("BENCH_PATH")
local header = os.getenv("BENCH_KEY_HEADER")
-- Each key is used by one client, which always sends the same User-Agent (one of three).
local agents = { "skytells-python/1.4.2", "skytells-js/2.0.1 node/20.19", "curl/8.5.0" }
-- BENCH_EVERY_KEY_FIRST=1: every key once, in file order, before the random picks.
local walk = os.getenv("BENCH_EVERY_KEY_FIRST") == "1"
local walked = 0

function init(args)
  math.randomseed(os.time())
end

function request()
  local i
  if walk and walked < #keys then
    walked = walked + 1
    i = walked
  else
    i = math.random(#keys)
  end
  return wrk.format("GET", path, { [header] = keys[i], ["User-Agent"] = agents[i % 3 + 1] })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"non_2xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f,"keys":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean, #keys))
end
`;

let scriptFile;
function scriptPath() {
  if (!scriptFile) {
    scriptFile = join(tempDir('skytells-wrk-'), 'random-key.lua');
    writeFileSync(scriptFile, SCRIPT);
  }
  return scriptFile;
}

/**
 * One wrk run: `GET url+path` with a random key from `keysFile` in header `header` per
 * request, `-t1 -c<connections> -d<seconds>s`, pinned to `cpu` (omit for no pinning). With
 * `everyKeyFirst`, the run first uses every key once, in file order, then picks at random.
 * Resolves to { rps, p50Ms, p90Ms, p99Ms, p999Ms, maxMs, requests, non2xx, socketErrors, timeouts, ... }.
 */
export async function wrk({
  url,
  path,
  keysFile,
  connections = 50,
  seconds = 10,
  cpu,
  threads = 1,
  header = 'x-api-key',
  timeoutSeconds = 2,
  everyKeyFirst = false,
}) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSeconds}s`, '-s', scriptPath(), url];
  const command = cpu === undefined ? ['wrk', ...args] : ['taskset', '-c', String(cpu), 'wrk', ...args];
  const child = track(
    spawn(command[0], command.slice(1), {
      env: {
        PATH: process.env.PATH,
        BENCH_KEYS_FILE: keysFile,
        BENCH_PATH: path,
        BENCH_KEY_HEADER: header,
        BENCH_EVERY_KEY_FIRST: everyKeyFirst ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (...exit) => resolve(exit));
  });
  const line = /^BENCH_RESULT (\{.*\})$/m.exec(stdout);
  if (code !== 0 || !line) throw new Error(`wrk failed (${signal ? `killed by ${signal}` : `exit ${code}`}):\n${stdout}\n${stderr}`);
  const r = JSON.parse(line[1]);
  // Cross-check with wrk's own summary line, printed only when there were such answers.
  const printed = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const non2xx = Math.max(r.non_2xx, printed);
  return {
    rps: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p90Ms: r.p90_us / 1000,
    p99Ms: r.p99_us / 1000,
    p999Ms: r.p999_us / 1000,
    maxMs: r.max_us / 1000,
    meanMs: r.mean_us / 1000,
    requests: r.requests,
    seconds: r.duration_us / 1e6,
    bytes: r.bytes,
    non2xx,
    socketErrors: r.connect_errors + r.read_errors + r.write_errors,
    timeouts: r.timeouts,
    keys: r.keys,
    output: stdout,
  };
}
