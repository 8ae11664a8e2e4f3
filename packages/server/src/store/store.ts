/**
 * The store: one Kysely instance over SQLite (better-sqlite3, WAL) or PostgreSQL (pg pool),
 * chosen by the database URL. Domain code sees only `store.db` and never branches on the
 * dialect. Every statement passes through a counter, so tests can prove what the hot path
 * does (and does not) ask of the database. Batch writes go through `writer`, which has a
 * connection of its own (a worker thread): they never hold the connection requests use.
 * The verify path's lookups go through `read`, which on a SQLite file answers synchronously
 * from a read-only connection of its own.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, Kysely, Migrator, PostgresDialect, type SqliteDatabase, sql } from 'kysely';
import pg from 'pg';
import type { MaybePromise } from '../maybe-promise.js';
import type { DatabaseTarget } from './database-url.js';
import { LATEST_MIGRATION, migrationProvider } from './migrations.js';
import type { Database } from './schema.js';
import { ImmediateSqliteDialect, withStatementCache } from './sqlite-dialect.js';
import { configureSqlite, openWriter, type Writer } from './writer.js';

export type StatementKind = 'read' | 'write' | 'other';
export type StatementListener = (kind: StatementKind, sqlText: string) => void;

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DatabaseTarget['dialect'];
  /** Batch writes (last-used, usage), on a connection of their own: see writer.ts. */
  readonly writer: Writer;
  /**
   * Runs one compiled read for the verify path (a cache miss). On a SQLite file it runs at
   * once, with no promise, on a read-only connection of its own: an indexed lookup costs
   * microseconds, less than the promise chain and connection mutex of a query through
   * Kysely. That connection sees only committed rows (WAL snapshots, a read transaction per
   * statement), never another request's transaction in progress on the main connection,
   * so a revocation is seen as soon as it commits. On PostgreSQL, and on an in-memory
   * SQLite database (which a second connection cannot open), it runs through `db`.
   */
  read<R>(query: CompiledQuery<R>): MaybePromise<R[]>;
  /** Subscribe to every statement the store runs; returns the unsubscribe function. */
  onStatement(listener: StatementListener): () => void;
  migrateToLatest(): Promise<void>;
  isAtLatestMigration(): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  poolSize?: number;
  /**
   * Errors of idle pooled connections (the database restarted, a backend was terminated).
   * The pool drops such a connection and opens another when needed; without a listener the
   * error would end the process.
   */
  onConnectionError?: (error: Error) => void;
}

function classify(sqlText: string): StatementKind {
  const verb = sqlText.trimStart().slice(0, 6).toLowerCase();
  if (verb === 'select' || verb.startsWith('with')) return 'read';
  if (verb === 'insert' || verb === 'update' || verb === 'delete') return 'write';
  return 'other';
}

function openSqlite(file: string): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return configureSqlite(new BetterSqlite3(file));
}

function postgresDialect(url: string, schema: string | undefined, poolSize: number, onConnectionError: (error: Error) => void): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // BIGINT columns hold epoch milliseconds and counts: both are safe JavaScript numbers.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')),
    } as pg.CustomTypesConfig,
  });
  pool.on('error', onConnectionError);
  return new PostgresDialect({ pool });
}

export async function openStore(target: DatabaseTarget, options: StoreOptions = {}): Promise<Store> {
  const listeners = new Set<StatementListener>();
  if (target.dialect === 'postgres' && target.schema) {
    await createSchemaIfMissing(target.url, target.schema);
  }
  let sqlite: BetterSqlite3.Database | undefined;
  let dialect: ImmediateSqliteDialect | PostgresDialect;
  if (target.dialect === 'sqlite') {
    sqlite = openSqlite(target.file);
    dialect = new ImmediateSqliteDialect({ database: sqlite });
  } else {
    dialect = postgresDialect(target.url, target.schema, options.poolSize ?? 10, options.onConnectionError ?? (() => {}));
  }
  const db = new Kysely<Database>({
    dialect,
    log(event) {
      if (event.level !== 'query' || listeners.size === 0) return;
      const text = event.query.sql;
      const kind = classify(text);
      for (const listener of listeners) listener(kind, text);
    },
  });
  // Qualify the migration tables with the schema, so that another schema's are never taken for ours.
  const migrationTableSchema = target.dialect === 'postgres' ? target.schema : undefined;
  const migrator = new Migrator({ db, provider: migrationProvider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });

  const writer = openWriter(target, sqlite);
  const reader = target.dialect === 'sqlite' && target.file !== ':memory:' ? readOnlySqlite(target.file) : undefined;
  return {
    db,
    dialect: target.dialect,
    writer,
    read(query) {
      if (reader === undefined) return db.executeQuery(query).then((result) => result.rows);
      for (const listener of listeners) listener('read', query.sql);
      return reader.run(query);
    },
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async migrateToLatest() {
      const { error } = await migrator.migrateToLatest();
      if (error) throw error;
    },
    async isAtLatestMigration() {
      const all = await migrator.getMigrations();
      return all.some((m) => m.name === LATEST_MIGRATION && m.executedAt !== undefined);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await writer.close();
      reader?.close();
      await db.destroy();
    },
  };
}

/** A read-only connection to a SQLite file, opened on first use (after migrations), with its statements kept. */
function readOnlySqlite(file: string): { run<R>(query: CompiledQuery<R>): R[]; close(): void } {
  let database: SqliteDatabase | undefined;
  return {
    run<R>(query: CompiledQuery<R>): R[] {
      if (database === undefined) {
        // The main connection made the file WAL (configureSqlite): readers never wait for writers.
        const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
        reader.pragma('busy_timeout = 5000');
        database = withStatementCache(reader);
      }
      return database.prepare(query.sql).all(query.parameters) as R[];
    },
    close() {
      database?.close();
      database = undefined;
    },
  };
}

async function createSchemaIfMissing(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/** True when `error` is a unique-constraint violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
