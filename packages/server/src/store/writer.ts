/**
 * The writer: where batch jobs (last-used times, usage groups) are applied, on a connection
 * of their own that no request waits for.
 *
 * - SQLite and PostgreSQL files/servers: a worker thread (`writer-thread.ts`) with its own
 *   connection, so neither the statements nor their transactions ever run on the event loop
 *   or hold the main connection. A cache miss or a revocation on the main connection waits
 *   at most for one job's short write transaction (SQLite's single write lock), never for a
 *   whole flush.
 * - An in-memory SQLite database cannot be opened twice: its jobs run on the main handle.
 */
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseTarget } from './database-url.js';
import { PostgresWriteBackend, SqliteWriteBackend, type WriteBackend, type WriteJob } from './write-jobs.js';

export interface Writer {
  /** Applies one job; resolves to the rows written, rejects when it was not applied. */
  apply(job: WriteJob): Promise<number>;
  close(): Promise<void>;
}

/** SQLite settings every connection to the file shares (see store.ts). */
export function configureSqlite(database: BetterSqlite3.Database): BetterSqlite3.Database {
  database.pragma('journal_mode = WAL');
  // In WAL mode NORMAL survives a process crash: only an OS crash can lose the last commits.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return database;
}

/** Opens a backend with a connection of its own (in the writer thread). */
export async function openWriteBackend(target: DatabaseTarget): Promise<WriteBackend> {
  if (target.dialect === 'sqlite') return new SqliteWriteBackend(configureSqlite(new BetterSqlite3(target.file)));
  const client = new pg.Client({
    connectionString: target.url,
    application_name: 'skytells-writer',
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  // A broken connection fails the job in flight; the thread opens a new one for the next.
  client.on('error', () => {});
  await client.connect();
  return new PostgresWriteBackend(client);
}

type Pending = { resolve(written: number): void; reject(error: Error): void };

class ThreadWriter implements Writer {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly target: DatabaseTarget) {}

  apply(job: WriteJob): Promise<number> {
    const worker = this.ensureWorker();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Kept alive until the jobs sent before the close are done and the thread has exited.
    worker.ref();
    worker.postMessage({ close: true });
    await exited;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = import.meta.url.endsWith('.ts')
      ? // Run from source (the tests, under tsx): the thread registers tsx before loading the .ts entry.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./writer-thread.ts', import.meta.url).href)}); })`,
          { eval: true, workerData: this.target },
        )
      : new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: this.target });
    worker.unref();
    worker.on('message', (message: { id: number; written?: number; error?: string }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(`writer: ${message.error}`));
      else waiting?.resolve(message.written ?? 0);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`writer thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }
}

class InlineWriter implements Writer {
  private backend: WriteBackend | undefined;
  constructor(private readonly handle: BetterSqlite3.Database) {}
  apply(job: WriteJob): Promise<number> {
    // Prepared on first use: the tables exist only once migrations have run.
    this.backend ??= new SqliteWriteBackend(this.handle);
    return this.backend.apply(job);
  }
  async close(): Promise<void> {}
}

/** The writer for `target`; `sqliteHandle` is the store's own SQLite handle, used only for an in-memory database. */
export function openWriter(target: DatabaseTarget, sqliteHandle: BetterSqlite3.Database | undefined): Writer {
  if (target.dialect === 'sqlite' && target.file === ':memory:' && sqliteHandle !== undefined) {
    return new InlineWriter(sqliteHandle);
  }
  return new ThreadWriter(target);
}
