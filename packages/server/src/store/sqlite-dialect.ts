/** Kysely's SQLite dialect, with transactions that take the write lock when they begin. */
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, type SqliteDialectConfig, SqliteDriver } from 'kysely';

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
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}
