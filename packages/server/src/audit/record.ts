/**
 * Audit records. Each is written with the same transaction handle as the change it
 * describes, so a change and its record commit together or not at all. Nothing in the
 * API updates or deletes them.
 */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { AuditEventType } from './event-types.js';

export interface AuditActor {
  type: 'account' | 'session' | 'personal_access_token' | 'device_grant' | 'system';
  id: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEvent {
  accountId: string;
  type: AuditEventType;
  actor: AuditActor;
  target?: { type: string; id: string };
  metadata?: Record<string, string | number | boolean | null>;
  at: number;
}

/**
 * Records an audit event and, for the owner's attention, a notification in the outbox (a
 * mailer or webhook delivers it later). Both with the caller's transaction handle.
 */
export async function recordAuditWithNotification(
  db: Kysely<Database> | Transaction<Database>,
  event: AuditEvent & { target: { type: string; id: string } },
): Promise<void> {
  await recordAudit(db, event);
  await db
    .insertInto('notifications')
    .values({
      id: newId('ntf'),
      account_id: event.accountId,
      type: event.type,
      subject_type: event.target.type,
      subject_id: event.target.id,
      payload: JSON.stringify(event.metadata ?? {}),
      created_at: event.at,
      delivered_at: null,
    })
    .execute();
}

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: newId('aud'),
      account_id: event.accountId,
      type: event.type,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      target_type: event.target?.type ?? null,
      target_id: event.target?.id ?? null,
      ip: event.actor.ip,
      user_agent: event.actor.userAgent,
      metadata: event.metadata ? JSON.stringify(event.metadata) : null,
      created_at: event.at,
    })
    .execute();
}
