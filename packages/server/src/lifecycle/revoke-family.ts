/**
 * Tokens only: a rotated-out token used to rotate is treated as stolen (GitLab's rule), and its
 * whole family (every token rotated from the same original) is revoked now, with the reason
 * in the audit log and a notification for the owner.
 */
import { type AuditActor, recordAuditWithNotification } from '../audit/record.js';
import type { AppContext } from '../context.js';
import type { TokenRow } from '../tokens/decisions.js';
import { revokeTokenFamily } from '../tokens/repository.js';
import { commitCredentialChange } from './commit-credential-change.js';

const FAMILY_REVOKED_REASON = 'a rotated-out token was used to rotate: treated as stolen';

export async function revokeFamily(
  ctx: Pick<AppContext, 'store' | 'verifier' | 'invalidations' | 'revocations' | 'clock'>,
  reused: TokenRow,
  actor: AuditActor,
): Promise<void> {
  const now = ctx.clock.now();
  await commitCredentialChange(ctx, async (trx) => {
    const members = await revokeTokenFamily(trx, reused.family_id, now);
    await recordAuditWithNotification(trx, {
      accountId: reused.account_id,
      type: 'token.family_revoked',
      actor,
      target: { type: 'personal_access_token', id: reused.id },
      metadata: { reason: FAMILY_REVOKED_REASON, family_id: reused.family_id, revoked: members.map((m) => m.id).join(' ') },
      at: now,
    });
    return { result: undefined, invalidated: members.map((m) => m.token_hash) };
  });
}
