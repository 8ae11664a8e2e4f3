/**
 * Child processes for the benchmarks: start `node` scripts pinned to a core with `taskset`,
 * their output going straight to a file (no pipe that could fill up and stall them), stop
 * them with SIGTERM then SIGKILL, and make sure none outlives the benchmark, on error too.
 *
 *   const server = await startServer({ env: { DATABASE_URL }, cpu: 0, logFile });
 *   try { ... } finally { await stopAll(); }
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is bench/lib/processes.mjs). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_MAIN = join(ROOT, 'packages/server/dist/main.js');

const children = new Set();
const tempDirs = [];

// Last resort: whatever is still running when this process exits is killed, and the temp
// directories go. The orderly path is `await stopAll()` in a `finally`.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll().finally(() => process.exit(130));
  });
}

/** A fresh directory under the OS temp dir, removed when this process exits. */
export function tempDir(prefix = 'skytells-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Registers a child so that `stopAll` and the exit hook know about it. */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Runs `node [args] <script>` pinned to `cpu` (omit for no pinning), or under `wrapper` (a
 * command and its arguments, such as valgrind's), stdout and stderr appended to `logFile`.
 * Resolves once `ready(logText)` returns a truthy value (polled).
 * Only `PATH` and `env` reach the child, so a stray LOG_LEVEL in the caller's environment
 * cannot change what is measured.
 */
export async function startProcess({ script, args = [], env = {}, cpu, wrapper = [], logFile, ready, timeoutMs = 30_000 }) {
  writeFileSync(logFile, '');
  const fd = openSync(logFile, 'a');
  const node = [...wrapper, process.execPath, ...args, script];
  const command = cpu === undefined ? node : ['taskset', '-c', String(cpu), ...node];
  const child = track(spawn(command[0], command.slice(1), { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', fd, fd] }));
  closeSync(fd);
  const proc = {
    child,
    pid: child.pid,
    cpu,
    logFile,
    url: undefined,
    log: () => readFileSync(logFile, 'utf8'),
    logBytes: () => statSync(logFile).size,
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await ready(proc.log());
    if (found) {
      proc.url = found;
      return proc;
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${script} exited early:\n${proc.log()}`);
    await sleep(50);
  }
  await stopProcess(proc);
  throw new Error(`${script} did not become ready in ${timeoutMs} ms:\n${proc.log()}`);
}

/** A port that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);

/**
 * The real server (`packages/server/dist/main.js`). At the default log level it listens on
 * PORT=0 and is ready when it logs `"msg":"server listening"` with its URL; at a level that
 * hides that line it gets a free port and is ready when /healthz answers.
 */
export async function startServer({ env = {}, cpu, logFile, args = [] }) {
  const quiet = QUIET_LEVELS.has(env.LOG_LEVEL);
  const port = quiet ? await freePort() : 0;
  const fixedUrl = `http://127.0.0.1:${port}`;
  return startProcess({
    script: SERVER_MAIN,
    args,
    // The seed signs up every benchmark account from this one address: lift the per-IP sign-up limit.
    env: { HOST: '127.0.0.1', SIGNUP_MAX_PER_IP: '1000000', ...env, PORT: String(port) },
    cpu,
    logFile,
    ready: async (log) => {
      if (!quiet) {
        const line = log.split('\n').find((l) => l.includes('"msg":"server listening"'));
        return line ? JSON.parse(line).url : undefined;
      }
      const ok = await fetch(`${fixedUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      return ok ? fixedUrl : undefined;
    },
  });
}

/** A `node` script that prints one JSON line with a `url` when it listens (bench/baseline-server.mjs). */
export function startListeningScript({ script, env, cpu, logFile }) {
  return startProcess({ script, env, cpu, logFile, ready: (log) => /"url":"(http:\/\/[^"]+)"/.exec(log)?.[1] });
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stopProcess(proc, graceMs = 5000) {
  const child = proc.child ?? proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running, all at once, each SIGTERM then SIGKILL. */
export async function stopAll(graceMs = 5000) {
  await Promise.all([...children].map((child) => stopProcess(child, graceMs)));
}

/** CPU time (user + system, in clock ticks) used so far by the process or thread whose `stat` file this is. */
function cpuTicksOf(statFile) {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const cpuTicks = (pid) => cpuTicksOf(`/proc/${pid}/stat`);

/**
 * CPU seconds (user + system) used so far by a process's main thread and by all its other
 * threads together (a Node server's: V8's background threads, libuv's pool, worker threads),
 * from /proc at 100 ticks a second. A thread that ended before this read is not counted.
 */
export function threadCpuSeconds(pid) {
  let main = 0;
  let others = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let ticks;
    try {
      ticks = cpuTicksOf(`/proc/${pid}/task/${task}/stat`);
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (Number(task) === pid) main += ticks;
    else others += ticks;
  }
  return { main: main / 100, others: others / 100 };
}

/**
 * Waits until `proc` is idle: at most `maxBusyTicks` of CPU (1 tick = 10 ms on Linux) in each
 * of `quietSamples` consecutive 250 ms windows, or until `timeoutMs`. Returns the ms waited.
 */
export async function waitUntilIdle(proc, { quietSamples = 2, maxBusyTicks = 2, timeoutMs = 10_000 } = {}) {
  const start = Date.now();
  let quiet = 0;
  let last = cpuTicks(proc.pid);
  while (quiet < quietSamples && Date.now() - start < timeoutMs) {
    await sleep(250);
    const now = cpuTicks(proc.pid);
    quiet = now - last <= maxBusyTicks ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - start;
}
