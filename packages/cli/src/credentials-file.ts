/**
 * The credentials file: `$SKYTELLS_CONFIG_DIR/credentials.json`, by default
 * `~/.config/skytells/credentials.json`.
 *
 * Invariants:
 * - the directory is 0700 and the file 0600, set at creation (never created wider, then narrowed);
 * - a write is atomic: a new file beside the old one, flushed, then renamed over it, so a crash
 *   leaves the old credentials or the new ones, never half of either;
 * - a file that anyone but its owner can read or write is refused, with the command that fixes
 *   it: the token in it must be treated as seen, and using it would hide that.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './errors.js';

export interface StoredCredentials {
  api_url?: string;
  token?: string;
  token_id?: string;
  scopes?: string[];
  expires_at?: string | null;
  saved_at?: string;
}

export function credentialsPath(env: Readonly<Record<string, string | undefined>>): string {
  const dir = env.SKYTELLS_CONFIG_DIR?.trim() || join(homedir(), '.config', 'skytells');
  return join(dir, 'credentials.json');
}

/** Pure: what is wrong with a credentials file of this mode, if anything. */
export function permissionProblem(mode: number): string | undefined {
  const loose = mode & 0o077;
  if (loose === 0) return undefined;
  return loose & 0o044 ? 'readable by other users' : 'writable by other users';
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function parseStored(text: string, path: string): StoredCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON`, 1, `Remove it and sign in again: rm '${path}' && skytells login`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${path} does not hold a JSON object`, 1);
  const record = value as Record<string, unknown>;
  const stored: StoredCredentials = {};
  if (typeof record.api_url === 'string') stored.api_url = record.api_url;
  if (typeof record.token === 'string') stored.token = record.token;
  if (typeof record.token_id === 'string') stored.token_id = record.token_id;
  if (isStringArray(record.scopes)) stored.scopes = record.scopes;
  if (typeof record.expires_at === 'string' || record.expires_at === null) stored.expires_at = record.expires_at;
  if (typeof record.saved_at === 'string') stored.saved_at = record.saved_at;
  return stored;
}

/** The stored credentials, or undefined when there is no file. */
export async function readCredentials(path: string): Promise<StoredCredentials | undefined> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const problem = process.platform === 'win32' ? undefined : permissionProblem(mode);
  if (problem !== undefined) {
    throw new CliError(
      `Refusing to use ${path}: it is ${problem} (mode ${(mode & 0o777).toString(8).padStart(3, '0')})`,
      1,
      `Fix it with: chmod 600 '${path}'. If others could read it, treat the token as leaked: revoke it and sign in again.`,
    );
  }
  return parseStored(await readFile(path, 'utf8'), path);
}

export async function writeCredentials(path: string, credentials: StoredCredentials): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory as it was: narrow it, since it holds a secret.
  await chmod(dir, 0o700);
  const temporary = join(dir, `.credentials.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': a new file, created with mode 0600 from the start.
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export async function deleteCredentials(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
