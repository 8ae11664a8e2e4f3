/**
 * Rotation of an API key or a token, applied: in one transaction, read the old credential and
 * its own predecessor, decide in memory, claim the old row (the guard: nobody rotated or
 * revoked it since), store the successor, end the predecessor's grace if it still runs, and
 * record it; then every changed hash is invalidated. Of concurrent rotations of one
 * credential exactly one commits; the others answer 409 and leave nothing behind.
 */
import { type AuditActor, recordAudit } from '../audit/record.js';
import { missingScope } from '../auth/errors.js';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../http/errors.js';
import { commitCredentialChange } from './commit-credential-change.js';
import { afterGuardedWrite, decideRotation, type RotationRefusal, type RotationRequest } from './decisions.js';
import type { CredentialKind } from './kinds.js';
import { claimForRotation, endGrace, findPredecessor } from './repository.js';

export interface RotationCommand extends Omit<RotationRequest, 'now' | 'maxLifetimeDays'> {
  accountId: string;
  id: string;
  actor: AuditActor;
}

const rotatedAlready = (noun: string, details: string) =>
  new ApiError('CONFLICT', `This ${noun.toLowerCase()} was rotated or revoked already`, { details });

function refusal(noun: string, refused: RotationRefusal): ApiError {
  switch (refused.reason) {
    case 'not_found':
      return notFound(noun);
    case 'already_rotated':
      return rotatedAlready(noun, `Its successor is ${refused.successorId}`);
    case 'widens_scopes':
      return missingScope(refused.allowed);
    case 'invalid_expiry':
      return new ApiError('INVALID_INPUT', 'Invalid expiration', { details: refused.problem });
  }
}

export async function rotateCredential<Row, View>(
  ctx: Pick<AppContext, 'store' | 'verifier' | 'invalidations' | 'revocations' | 'clock' | 'config'>,
  kind: CredentialKind<Row, View>,
  command: RotationCommand,
): Promise<{ view: View; secret: string }> {
  const now = ctx.clock.now();
  const { row, secret } = await commitCredentialChange(ctx, async (trx) => {
    const found = await kind.find(trx, command.accountId, command.id);
    if (found === undefined) throw notFound(kind.noun);
    const old = kind.facts(found);
    const predecessor = await findPredecessor(trx, kind.table, kind.hashColumn, old.id);
    const decision = decideRotation(old, predecessor, { ...command, now, maxLifetimeDays: kind.maxLifetimeDays(ctx.config) });
    if (decision.action === 'refuse') throw refusal(kind.noun, decision);
    const issued = kind.successor(found, decision.successor, now);
    const successor = kind.facts(issued.row);
    // The claim comes first: of concurrent rotations one holds the row; the others wait for it
    // to commit, then change no row (replaced_by is set) and answer 409 having stored nothing.
    const claimed = await claimForRotation(trx, kind.table, { id: old.id, successorId: successor.id, endsAt: decision.graceEndsAt, now });
    if (afterGuardedWrite('rotate', claimed).outcome === 'conflict') throw rotatedAlready(kind.noun, 'Another request changed it first');
    await kind.store(trx, issued.row, command.actor);
    const invalidated = [old.hash, successor.hash];
    // Guarded too: a concurrent revocation of the predecessor may have ended its grace already.
    const ended =
      decision.endGraceOf !== null && (await endGrace(trx, kind.table, decision.endGraceOf.id, old.id, now)) === 1n ? decision.endGraceOf : null;
    if (ended !== null) invalidated.push(ended.hash);
    await recordAudit(trx, {
      accountId: old.accountId,
      type: kind.audit.rotated,
      actor: command.actor,
      target: { type: kind.audit.target, id: old.id },
      metadata: {
        ...kind.describe(found),
        replaced_by: successor.id,
        grace_period_seconds: command.gracePeriodSeconds,
        ended_grace_of: ended?.id ?? null,
      },
      at: now,
    });
    return { result: issued, invalidated };
  });
  return { view: kind.toView(row, now), secret };
}
