/**
 * What sets API keys and personal access tokens apart in their lifecycle: a small descriptor
 * each (table, hash column, audit names, how a row reads and is shown, how a successor is made).
 * Everything else about rotation and revocation is one code path for both.
 */
import type { Transaction } from 'kysely';
import type { AuditEventType } from '../audit/event-types.js';
import type { AuditActor } from '../audit/record.js';
import type { Config } from '../config/config.js';
import { issueApiKeyRow } from '../keys/create-api-key.js';
import { type ApiKeyRow, toApiKeyView } from '../keys/decisions.js';
import { findKey, insertKey } from '../keys/repository.js';
import type { ApiKeyView } from '../keys/schema.js';
import type { Database } from '../store/schema.js';
import { scopesOf, type TokenRow, toTokenView } from '../tokens/decisions.js';
import { issueTokenRow, storeToken } from '../tokens/issue-token.js';
import { findToken } from '../tokens/repository.js';
import type { TokenView } from '../tokens/schema.js';
import type { CredentialFacts } from './decisions.js';
import type { LifecycleTable } from './repository.js';

type Db = Transaction<Database>;

export interface CredentialKind<Row, View> {
  table: LifecycleTable;
  hashColumn: 'key_hash' | 'token_hash';
  /** For messages: 'API key', 'Token'. */
  noun: string;
  audit: { target: 'api_key' | 'personal_access_token'; rotated: AuditEventType; revoked: AuditEventType };
  facts(row: Row): CredentialFacts;
  /** Identifies the credential in its audit records; never the secret. */
  describe(row: Row): Record<string, string>;
  toView(row: Row, now: number): View;
  /** Another account's credential is indistinguishable from a missing one. */
  find(db: Db, accountId: string, id: string): Promise<Row | undefined>;
  /** The operator's cap on a successor's lifetime; undefined where the kind has none. */
  maxLifetimeDays(config: Config): number | undefined;
  /** A successor's row and secret, in memory: the claim on the old row names its id first. */
  successor(old: Row, plan: { expiresAt: number | null; scopes: readonly string[] }, now: number): { row: Row; secret: string };
  store(trx: Db, row: Row, actor: AuditActor): Promise<void>;
}

/** The columns both tables share, read alike. */
const sharedFacts = (row: ApiKeyRow | TokenRow) => ({
  id: row.id,
  accountId: row.account_id,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
  replacedBy: row.replaced_by,
});

export const apiKeys: CredentialKind<ApiKeyRow, ApiKeyView> = {
  table: 'api_keys',
  hashColumn: 'key_hash',
  noun: 'API key',
  audit: { target: 'api_key', rotated: 'key.rotated', revoked: 'key.revoked' },
  facts: (row) => ({ ...sharedFacts(row), hash: row.key_hash, expiresAt: null, scopes: [] }),
  describe: (row) => ({ name: row.name, masked_key: row.masked_key }),
  toView: toApiKeyView,
  find: findKey,
  maxLifetimeDays: () => undefined,
  // Keys never expire and carry no scopes, so the plan holds nothing for them.
  successor: (old, _plan, now) => issueApiKeyRow(old.account_id, old.name, now),
  store: (trx, row) => insertKey(trx, row),
};

export const tokens: CredentialKind<TokenRow, TokenView> = {
  table: 'personal_access_tokens',
  hashColumn: 'token_hash',
  noun: 'Token',
  audit: { target: 'personal_access_token', rotated: 'token.rotated', revoked: 'token.revoked' },
  facts: (row) => ({ ...sharedFacts(row), hash: row.token_hash, expiresAt: row.expires_at, scopes: scopesOf(row) }),
  describe: (row) => ({ name: row.name, masked_token: row.masked_token, scopes: row.scopes }),
  toView: toTokenView,
  find: findToken,
  maxLifetimeDays: (config) => config.patMaxLifetimeDays,
  // The successor joins the old token's family: reuse of any member revokes them all.
  successor: (old, plan, now) =>
    issueTokenRow({
      accountId: old.account_id,
      name: old.name,
      scopes: plan.scopes,
      expiresAt: plan.expiresAt,
      createdVia: 'rotation',
      familyId: old.family_id,
      now,
    }),
  store: storeToken,
};
