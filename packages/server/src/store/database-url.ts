/**
 * Reads DATABASE_URL: a file path or `sqlite:` URL selects embedded SQLite, a
 * `postgres://` or `postgresql://` URL selects PostgreSQL.
 */
import { resolve } from 'node:path';

export type DatabaseTarget = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; schema: string | undefined };

export function parseDatabaseUrl(value: string, schema?: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(value)) return { dialect: 'postgres', url: value, schema };
  if (value === ':memory:' || value === 'sqlite::memory:') return { dialect: 'sqlite', file: ':memory:' };
  const path = value.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
  if (path.length === 0) throw new Error('is empty');
  return { dialect: 'sqlite', file: resolve(path) };
}

/** The URL with any password replaced, fit for an error message or a log line. */
export function describeDatabaseTarget(target: DatabaseTarget): string {
  if (target.dialect === 'sqlite') return `SQLite at ${target.file}`;
  try {
    const url = new URL(target.url);
    return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
