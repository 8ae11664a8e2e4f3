/**
 * PostgreSQL for a benchmark: a fresh database on TEST_DATABASE_URL's server (dropped
 * afterwards), and the server's processes pinned to one core for the duration, so they do
 * not share the measured server's core. Every backend forked later inherits the
 * postmaster's affinity; `restore()` puts every process back as it was.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(statement) {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database; returns its URL and `drop()`. */
export async function createBenchDatabase(prefix = 'skytells_bench') {
  const name = `${prefix}_${Date.now().toString(36)}`;
  await admin(`create database "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

/** Process ids of every process of the `postgres` user (the postmaster and its backends). */
function postgresPids() {
  try {
    return execFileSync('pgrep', ['-u', 'postgres'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Sets a process's (every thread's) CPU affinity; false when it is gone or may not be changed. */
function setAffinity(pid, cpus) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpus), pid], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every PostgreSQL process to `cpu`. Returns `{ pinned, restore() }`; `pinned` is 0
 * when that was not possible (PostgreSQL on another host or user, or not permitted).
 */
export function pinPostgres(cpu) {
  const previous = [];
  for (const pid of postgresPids()) {
    let mask;
    try {
      mask = /: (\S+)$/.exec(execFileSync('taskset', ['-p', '-c', pid], { encoding: 'utf8' }).trim())[1];
    } catch {
      continue; // The process ended meanwhile.
    }
    if (setAffinity(pid, cpu)) previous.push([pid, mask]);
  }
  return {
    pinned: previous.length,
    restore() {
      for (const [pid, mask] of previous) setAffinity(pid, mask);
      // Backends forked while pinned inherited the pin: give them the postmaster's mask back too.
      const original = previous[0]?.[1];
      if (original) for (const pid of postgresPids()) setAffinity(pid, original);
    },
  };
}
