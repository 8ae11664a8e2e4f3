/**
 * Gives each test its own database: a fresh SQLite file, or a fresh PostgreSQL database on
 * the server of TEST_DATABASE_URL, chosen by TEST_DB (set by scripts/test.mjs). `drop()`
 * removes it. A database rather than a schema: catalog queries and NOTIFY channels are per
 * database, so test files running in parallel cannot see one another at all.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

export const TEST_DB = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Environment for a server using this database. */
  env: Record<string, string>;
  /** The SQLite file, when the dialect is SQLite. */
  file?: string;
  /** The PostgreSQL URL, when the dialect is PostgreSQL. */
  url?: string;
  drop(): Promise<void>;
}

async function administer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DB === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'skytells-test-'));
    const file = join(dir, 'skytells.db');
    return { env: { DATABASE_URL: file }, file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `skytells_test_${randomBytes(6).toString('hex')}`;
  await administer(`create database "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    drop: () => administer(`drop database if exists "${name}" with (force)`),
  };
}

/** Every byte the database holds for this test, as text: the SQLite files, or every row of the schema. */
export async function everythingStored(db: TestDatabase): Promise<string> {
  if (db.file) {
    const dir = dirname(db.file);
    return readdirSync(dir)
      .map((name) => readFileSync(join(dir, name)).toString('latin1'))
      .join('\n');
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const tables = await client.query(`select table_name from information_schema.tables where table_schema = 'public'`);
    const dumps: unknown[] = [];
    for (const { table_name } of tables.rows) dumps.push((await client.query(`select * from "${table_name}"`)).rows);
    return JSON.stringify(dumps);
  } finally {
    await client.end();
  }
}
