/**
 * Kysely's SQLite dialect, with transactions that take the write lock when they begin, and
 * prepared statements kept for reuse.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

/** Distinct SQL texts whose statements are kept; beyond it the least recently used goes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database with `prepare` memoized per SQL text: Kysely prepares every query it runs,
 * and preparing costs more than running an indexed lookup (a verify-cache miss); the store's
 * read-only connection (`Store.read`) keeps its statements the same way. Safe because each
 * connection runs one statement at a time and reads it to its end (`all`/`run`; nothing here
 * streams with `iterate`).
 */
export function withStatementCache(database: SqliteDatabase): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sqlText) {
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        statement = database.prepare(sqlText);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      } else {
        statements.delete(sqlText);
      }
      statements.set(sqlText, statement);
      return statement;
    },
  };
}

/**
 * SQLite transactions through Kysely take the write lock when they begin (BEGIN
 * IMMEDIATE). The main connection and the writer thread's each write; a deferred
 * transaction that read before the other connection committed could not then write (SQLITE_BUSY_SNAPSHOT, which
 * no busy timeout retries). Taking the lock first, it waits (busy_timeout) for the other's
 * current transaction, a few milliseconds, and then nothing can come between its read and its write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  private readonly settings: SqliteDialectConfig;
  constructor(settings: { database: SqliteDatabase }) {
    const cached = { database: withStatementCache(settings.database) };
    super(cached);
    this.settings = cached;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
