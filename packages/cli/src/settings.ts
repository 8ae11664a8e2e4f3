/**
 * Where the server URL and the credential come from. Pure: the caller passes the flags, the
 * environment and the stored file. Precedence, highest first: flags, then `SKYTELLS_TOKEN` /
 * `SKYTELLS_API_KEY` (and `SKYTELLS_API_URL`), then the credentials file. No flag carries a
 * secret (argv is visible to every user of the machine through `ps`), so for the credential
 * the order starts at the environment.
 */
import type { StoredCredentials } from './credentials-file.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export type CredentialSource = 'SKYTELLS_TOKEN' | 'SKYTELLS_API_KEY' | 'credentials file';
export type ApiUrlSource = '--api-url' | 'SKYTELLS_API_URL' | 'credentials file' | 'default';

export interface ResolvedCredential {
  secret: string;
  /** What the variable or file says it is; the secret's own shape is checked where it is used. */
  kind: 'personal_access_token' | 'api_key';
  source: CredentialSource;
}

type Env = Readonly<Record<string, string | undefined>>;

const present = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

export function resolveCredential(env: Env, file: StoredCredentials | undefined): ResolvedCredential | undefined {
  const token = present(env.SKYTELLS_TOKEN);
  if (token !== undefined) return { secret: token, kind: 'personal_access_token', source: 'SKYTELLS_TOKEN' };
  const key = present(env.SKYTELLS_API_KEY);
  if (key !== undefined) return { secret: key, kind: 'api_key', source: 'SKYTELLS_API_KEY' };
  if (file?.token !== undefined) return { secret: file.token, kind: 'personal_access_token', source: 'credentials file' };
  return undefined;
}

export function resolveApiUrl(flag: string | undefined, env: Env, file: StoredCredentials | undefined): { url: string; source: ApiUrlSource } {
  const chosen: [string | undefined, ApiUrlSource][] = [
    [present(flag), '--api-url'],
    [present(env.SKYTELLS_API_URL), 'SKYTELLS_API_URL'],
    [present(file?.api_url), 'credentials file'],
  ];
  for (const [url, source] of chosen) if (url !== undefined) return { url: url.replace(/\/+$/, ''), source };
  return { url: DEFAULT_API_URL, source: 'default' };
}

/** Whole days until `expiresAt` when that is within `days` of `now` (0 = today); else undefined. */
export function expiresWithin(expiresAt: string | null | undefined, now: number, days: number): number | undefined {
  if (expiresAt === null || expiresAt === undefined) return undefined;
  const left = Date.parse(expiresAt) - now;
  if (Number.isNaN(left) || left > days * 86_400_000) return undefined;
  return Math.max(0, Math.floor(left / 86_400_000));
}
