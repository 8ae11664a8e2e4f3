/**
 * The audit event types, with no dependency of their own: the server's recorders and filter
 * use them, and the console's audit page imports them at build time for its type filter.
 */
/** Every audit event type (docs/api.md, the audit route; and `token.expiring_soon`): the recorders' type and the API's filter alike. */
export const AUDIT_EVENT_TYPES = [
  'key.created',
  'key.rotated',
  'key.revoked',
  'token.created',
  'token.rotated',
  'token.revoked',
  'token.expiring_soon',
  'token.expired',
  'token.reuse_after_rotation',
  'token.family_revoked',
  'auth.signin',
  'auth.signin_failed',
  'auth.signout',
  'account.password_change_failed',
  'account.password_changed',
  'credential.leak_reported',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
