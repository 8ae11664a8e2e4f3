/**
 * Expiry notices: once for each token entering its last 7 days (`token.expiring_soon`) and
 * once when it expires (`token.expired`), each an audit event plus an outbox notification
 * that the console and CLI can show. Marking the token and writing the notice share a
 * transaction, so a notice is written exactly once even with several instances running.
 */
import type { Kysely } from 'kysely';
import { recordAuditWithNotification } from '../audit/record.js';
import { isoTime } from '../http/values.js';
import type { Database } from '../store/schema.js';
import { EXPIRING_SOON_MS } from './decisions.js';

export async function recordExpiryNotices(db: Kysely<Database>, now: number): Promise<{ warned: number; expired: number }> {
  let warned = 0;
  let expired = 0;
  const due = await db
    .selectFrom('personal_access_tokens')
    .select(['id', 'account_id', 'name', 'masked_token', 'expires_at', 'expiry_warned_at', 'expiry_recorded_at'])
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now + EXPIRING_SOON_MS)
    .where('revoked_at', 'is', null)
    .where('expiry_recorded_at', 'is', null)
    .execute();
  for (const token of due) {
    const expiresAt = token.expires_at;
    if (expiresAt === null) continue; // the query asked for expiring tokens only
    const hasExpired = expiresAt <= now;
    if (!hasExpired && token.expiry_warned_at !== null) continue;
    await db.transaction().execute(async (trx) => {
      const column = hasExpired ? 'expiry_recorded_at' : 'expiry_warned_at';
      const claimed = await trx
        .updateTable('personal_access_tokens')
        .set({ [column]: now })
        .where('id', '=', token.id)
        .where(column, 'is', null)
        .executeTakeFirst();
      if (claimed.numUpdatedRows !== 1n) return;
      await recordAuditWithNotification(trx, {
        accountId: token.account_id,
        type: hasExpired ? 'token.expired' : 'token.expiring_soon',
        actor: { type: 'system', id: null, ip: null, userAgent: null },
        target: { type: 'personal_access_token', id: token.id },
        metadata: { name: token.name, masked_token: token.masked_token, expires_at: isoTime(expiresAt) },
        at: now,
      });
      if (hasExpired) expired++;
      else warned++;
    });
  }
  return { warned, expired };
}
