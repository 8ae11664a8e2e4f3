/**
 * The scope catalogue (docs/credentials.md, "Scopes") and the rule that decides whether a token may act.
 * Scopes for other services (projects, deployments) are carried and reported, not enforced
 * here. A console session holds every scope; a token holds exactly its own.
 */
/** The default catalogue and what each scope allows (served by GET /api/v1/scopes). */
export const SCOPE_MEANINGS = {
  inference: 'Call the inference API (/v1/*): models and predictions',
  'projects.read': 'Read projects (enforced by the projects service)',
  'projects.write': 'Create, change and delete projects (enforced by the projects service)',
  'deployments.read': 'Read deployments (enforced by the deployments service)',
  'deployments.write': 'Create, change and delete deployments (enforced by the deployments service)',
  'keys.read': 'List and read API keys',
  'keys.write': 'Create (with inference too), rotate and revoke API keys',
  'tokens.read': "List and read the account's tokens",
  'tokens.write': "Revoke the account's tokens and rotate the presenting token itself",
  'account.read': 'Read the account (GET /api/v1/account)',
  'usage.read': 'Read usage aggregates and request events',
  'audit.read': 'Read the audit log',
  'credentials.verify': "Verify credentials for the operator's own services (POST /api/v1/credentials/verify)",
} as const;

export const DEFAULT_SCOPES = Object.keys(SCOPE_MEANINGS) as Array<keyof typeof SCOPE_MEANINGS>;

/** The scopes `skytells login` asks for by default. */
export const LOGIN_DEFAULT_SCOPES = ['inference', 'projects.read', 'deployments.read', 'account.read', 'keys.read'] as const;

export const scopeCatalogue = (extra: readonly string[]): ReadonlySet<string> => new Set([...DEFAULT_SCOPES, ...extra]);

/** Required scopes the token does not hold; empty when it may act. */
export const missingScopes = (held: readonly string[], required: readonly string[]): string[] => required.filter((scope) => !held.includes(scope));

/** Scopes not in the catalogue. */
export const unknownScopes = (catalogue: ReadonlySet<string>, requested: readonly string[]): string[] =>
  requested.filter((scope) => !catalogue.has(scope));

/** A rotation may keep or drop scopes, never add one. */
export const widensScopes = (current: readonly string[], next: readonly string[]): boolean => next.some((scope) => !current.includes(scope));
