/**
 * Revocation of an API key or a token, applied: irreversible and idempotent. The revocation
 * and its audit record commit, and the verify cache forgets the credential on every instance,
 * before the answer. Of concurrent revocations one writes; each answers the row as it is after
 * the revocation that happened.
 */
import { type AuditActor, recordAudit } from '../audit/record.js';
import type { AppContext } from '../context.js';
import { notFound } from '../http/errors.js';
import { commitCredentialChange } from './commit-credential-change.js';
import { afterGuardedWrite, decideRevocation } from './decisions.js';
import type { CredentialKind } from './kinds.js';
import { markRevoked } from './repository.js';

export async function revokeCredential<Row, View>(
  ctx: Pick<AppContext, 'store' | 'verifier' | 'invalidations' | 'revocations' | 'clock'>,
  kind: CredentialKind<Row, View>,
  command: { accountId: string; id: string; actor: AuditActor },
): Promise<View> {
  const now = ctx.clock.now();
  const row = await commitCredentialChange(ctx, async (trx) => {
    const found = await kind.find(trx, command.accountId, command.id);
    if (found === undefined) throw notFound(kind.noun);
    const credential = kind.facts(found);
    const decision = decideRevocation(credential, now);
    if (decision.action === 'none') return { result: found, invalidated: [] };
    const outcome = afterGuardedWrite('revoke', await markRevoked(trx, kind.table, credential.id, decision.revokedAt));
    // Only the request whose write changed the row records and invalidates; one that lost the race only answers.
    if (outcome.outcome === 'applied') {
      await recordAudit(trx, {
        accountId: credential.accountId,
        type: kind.audit.revoked,
        actor: command.actor,
        target: { type: kind.audit.target, id: credential.id },
        metadata: kind.describe(found),
        at: now,
      });
    }
    // Either way the answer is the row as it now is (a loser sees the winner's committed revocation).
    const current = await kind.find(trx, command.accountId, credential.id);
    if (current === undefined) throw notFound(kind.noun); // credentials are revoked, never deleted
    return { result: current, invalidated: outcome.outcome === 'applied' ? [credential.hash] : [] };
  });
  return kind.toView(row, now);
}
