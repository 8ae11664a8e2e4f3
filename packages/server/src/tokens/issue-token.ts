/**
 * Issues a personal access token: the row and its audit record commit together (with the
 * caller's other changes, for rotation and device grants), and any cached answer for the new
 * hash is dropped. The full secret is returned once and kept nowhere.
 */
import { generatePersonalAccessToken, hashCredential, maskCredential } from '@skytells/credentials';
import type { Transaction } from 'kysely';
import { type AuditActor, recordAudit } from '../audit/record.js';
import { newId } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { TokenRow } from './decisions.js';

export interface TokenRequest {
  accountId: string;
  name: string;
  scopes: readonly string[];
  expiresAt: number | null;
  createdVia: TokenRow['created_via'];
  /** The family of the token this one replaces; a new family otherwise. */
  familyId?: string;
  actor: AuditActor;
  now: number;
}

/** A new token's row and its secret; nothing is stored yet. */
export function issueTokenRow(request: Omit<TokenRequest, 'actor'>): { row: TokenRow; secret: string } {
  const secret = generatePersonalAccessToken();
  const id = newId('tok');
  const row: TokenRow = {
    id,
    account_id: request.accountId,
    name: request.name,
    token_hash: hashCredential(secret),
    masked_token: maskCredential(secret),
    scopes: [...new Set(request.scopes)].join(' '),
    family_id: request.familyId ?? id,
    replaced_by: null,
    created_via: request.createdVia,
    created_at: request.now,
    expires_at: request.expiresAt,
    revoked_at: null,
    revoked_reason: null,
    expiry_warned_at: null,
    expiry_recorded_at: null,
    last_used_at: null,
    last_used_ip: null,
    last_used_user_agent: null,
  };
  return { row, secret };
}

/** Stores an issued token with its `token.created` record, in the caller's transaction. */
export async function storeToken(trx: Transaction<Database>, row: TokenRow, actor: AuditActor): Promise<void> {
  await trx.insertInto('personal_access_tokens').values(row).execute();
  await recordAudit(trx, {
    accountId: row.account_id,
    type: 'token.created',
    actor,
    target: { type: 'personal_access_token', id: row.id },
    metadata: { name: row.name, scopes: row.scopes, masked_token: row.masked_token, via: row.created_via },
    at: row.created_at,
  });
}

export async function insertToken(trx: Transaction<Database>, request: TokenRequest): Promise<{ row: TokenRow; secret: string }> {
  const issued = issueTokenRow(request);
  await storeToken(trx, issued.row, request.actor);
  return issued;
}
