/**
 * Issues an API key: the row and its audit record commit together, then any cached answer
 * for the new key's hash is dropped (a negative entry must never hide a key created after
 * it). The full secret is returned to the caller once and kept nowhere.
 */
import { generateApiKey, hashCredential, maskCredential } from '@skytells/credentials';
import { type AuditActor, recordAudit } from '../audit/record.js';
import type { AppContext } from '../context.js';
import { commitCredentialChange } from '../lifecycle/commit-credential-change.js';
import { newId } from '../store/ids.js';
import type { ApiKeyRow } from './decisions.js';
import { insertKey } from './repository.js';

/**
 * What a token needs to issue an API key, by creating or by rotating one: a key grants
 * inference, so a token may mint one only if it could do inference itself.
 */
export const ISSUE_KEY_SCOPES = ['keys.write', 'inference'] as const;

/** A new key's row and its secret; nothing is stored yet. */
export function issueApiKeyRow(accountId: string, name: string, now: number, secret: string = generateApiKey()): { row: ApiKeyRow; secret: string } {
  return {
    secret,
    row: {
      id: newId('key'),
      account_id: accountId,
      name,
      key_hash: hashCredential(secret),
      masked_key: maskCredential(secret),
      created_at: now,
      revoked_at: null,
      last_used_at: null,
      last_used_ip: null,
      last_used_user_agent: null,
      replaced_by: null,
      revoked_reason: null,
    },
  };
}

export async function createApiKey(
  ctx: Pick<AppContext, 'store' | 'verifier' | 'invalidations' | 'revocations' | 'clock'>,
  input: { accountId: string; name: string; actor: AuditActor },
  secret?: string,
): Promise<{ row: ApiKeyRow; secret: string }> {
  const now = ctx.clock.now();
  const issued = issueApiKeyRow(input.accountId, input.name, now, secret);
  const { row } = issued;
  await commitCredentialChange(ctx, async (trx) => {
    await insertKey(trx, row);
    await recordAudit(trx, {
      accountId: input.accountId,
      type: 'key.created',
      actor: input.actor,
      target: { type: 'api_key', id: row.id },
      metadata: { name: row.name, masked_key: row.masked_key },
      at: now,
    });
    return { result: undefined, invalidated: [row.key_hash] };
  });
  return issued;
}
