/** Notifications for an account's owner, newest first (written by audit/record.ts). */
import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationsTable } from '../store/schema.js';

export type NotificationRow = Selectable<NotificationsTable>;

export async function listNotifications(db: Kysely<Database>, accountId: string, limit: number, offset: number): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countNotifications(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
