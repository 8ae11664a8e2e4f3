/** Account rows. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { isoTime } from '../http/values.js';
import type { AccountsTable, Database } from '../store/schema.js';

export type AccountRow = Selectable<AccountsTable>;
type Db = Kysely<Database> | Transaction<Database>;

export function toAccountView(row: AccountRow) {
  return { id: row.id, email: row.email, name: row.name, plan: row.plan, created_at: isoTime(row.created_at) };
}

export async function findAccountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findAccountByEmail(db: Db, emailNormalized: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email_normalized', '=', emailNormalized).executeTakeFirst();
}
