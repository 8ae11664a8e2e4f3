/**
 * Starts the real server for a test: in this process (for tests that inspect the store,
 * the cache or the clock) or as a child process running the built `dist/main.js` (for tests
 * of start-up, signals, crashes and logs). Both listen on a real port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config/config.js';
import { type RunningServer, startServer } from '../server.js';
import { TestClient } from './client.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** Every server a test starts checks each of its answers against its route's declaration. */
process.env.SKYTELLS_CHECK_ANSWERS = '1';

export interface TestServer {
  server: RunningServer;
  db: TestDatabase;
  url: string;
  client(): TestClient;
  stop(): Promise<void>;
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export async function startTestServer(env: Record<string, string> = {}, options: { clock?: Clock; db?: TestDatabase } = {}): Promise<TestServer> {
  const db = options.db ?? (await createTestDatabase());
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...db.env, ...env });
  let server: RunningServer;
  try {
    server = await startServer(config, { logger: pino({ level: 'silent' }), ...(options.clock ? { clock: options.clock } : {}) });
  } catch (error) {
    if (!options.db) await db.drop();
    throw error;
  }
  return {
    server,
    db,
    url: server.url,
    client: () => new TestClient(server.url),
    async stop() {
      await server.close();
      if (!options.db) await db.drop();
    },
  };
}

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
// A test that fails before it stops its server must not leave the server running: its pipes
// would keep this test file, and so the whole suite, from ever ending.
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Runs `node dist/main.js` with `env`, resolving once it logs that it listens. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', SKYTELLS_CHECK_ANSWERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"server listening"/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then(({ code }) => reject(new Error(`server exited with ${code} before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`server did not start within 20 s:\n${output}`)), 20_000).unref();
  });
  return { child, url, output: () => output, exited };
}

export interface TestServerProcess extends ServerProcess {
  db: TestDatabase;
  /** SIGTERM, wait for the exit, drop the database. */
  stop(): Promise<void>;
}

/** `spawnServer` on a fresh test database of its own. */
export async function spawnTestServer(env: Record<string, string> = {}): Promise<TestServerProcess> {
  const db = await createTestDatabase();
  try {
    const server = await spawnServer({ ...db.env, ...env });
    return {
      ...server,
      db,
      async stop() {
        server.child.kill('SIGTERM');
        await server.exited;
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
