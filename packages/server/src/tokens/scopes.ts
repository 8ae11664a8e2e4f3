/**
 * The scope catalogue (docs/credentials.md, "Scopes") and the rule that decides whether a token may act.
 * Scopes for other services (projects, deployments) are carried and reported, not enforced
 * here. A console session holds every scope; a token holds exactly its own.
 */
export const DEFAULT_SCOPES = [
  'inference',
  'projects.read',
  'projects.write',
  'deployments.read',
  'deployments.write',
  'keys.read',
  'keys.write',
  'tokens.read',
  'tokens.write',
  'account.read',
  'usage.read',
  'audit.read',
  'credentials.verify',
] as const;

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
