/**
 * What every command is given: the output, the environment, the credentials file, and the
 * signed-in session (resolved on demand, by the precedence in settings.ts).
 */
import type { Command } from 'commander';
import { type ManagementClient, managementClient } from './client.js';
import { credentialsPath, readCredentials, type StoredCredentials } from './credentials-file.js';
import { CliError, EXIT, notSignedIn } from './errors.js';
import type { Output } from './output.js';
import { expiresWithin, type ResolvedCredential, resolveApiUrl, resolveCredential } from './settings.js';

/** A token expiring within this many days draws a warning on every command. */
const EXPIRY_WARNING_DAYS = 7;

export interface Session {
  client: ManagementClient;
  credential: ResolvedCredential;
  apiUrl: string;
  stored: StoredCredentials | undefined;
}

export class Cli {
  readonly credentialsPath: string;
  private storedOnce: Promise<StoredCredentials | undefined> | undefined;
  private warnedOfExpiry = false;
  /** The server URL this run resolved, for error messages. */
  resolvedApiUrl: string | undefined;

  constructor(
    readonly out: Output,
    readonly env: Readonly<Record<string, string | undefined>>,
    readonly now: () => number = Date.now,
  ) {
    this.credentialsPath = credentialsPath(env);
  }

  /** The credentials file's content, read (and its permissions checked) once per run. */
  stored(): Promise<StoredCredentials | undefined> {
    this.storedOnce ??= readCredentials(this.credentialsPath);
    return this.storedOnce;
  }

  /** The server URL for `command`: its --api-url (or a parent's), the environment, the file. */
  async apiUrl(command: Command): Promise<string> {
    const flag = (command.optsWithGlobals() as { apiUrl?: string }).apiUrl;
    this.resolvedApiUrl = resolveApiUrl(flag, this.env, await this.stored()).url;
    return this.resolvedApiUrl;
  }

  /** The signed-in session; exit 4 when there is no personal access token to use. */
  async session(command: Command): Promise<Session> {
    const stored = await this.stored();
    const credential = resolveCredential(this.env, stored);
    if (credential === undefined) throw notSignedIn();
    if (credential.kind === 'api_key') {
      throw new CliError(
        'SKYTELLS_API_KEY holds an API key, which cannot manage an account',
        EXIT.auth,
        'Set SKYTELLS_TOKEN to a personal access token, or run `skytells login`',
      );
    }
    const apiUrl = await this.apiUrl(command);
    // The server says when the presenting token expires on every answer (x-token-expires-at),
    // whichever source the token came from.
    const client = managementClient(credential.secret, apiUrl, (expiresAt) => this.warnIfExpiring(expiresAt));
    return { client, credential, apiUrl, stored };
  }

  /** Warns, once per run, when `expiresAt` is within a week. */
  warnIfExpiring(expiresAt: string | null | undefined): void {
    const days = expiresWithin(expiresAt, this.now(), EXPIRY_WARNING_DAYS);
    if (days === undefined || this.warnedOfExpiry) return;
    this.warnedOfExpiry = true;
    const when = days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`;
    this.out.warn(`your token expires ${when} (${expiresAt}). Run \`skytells tokens rotate\` or \`skytells login\` to get a new one.`);
  }
}

/** A command is one module exporting one of these; `commands/index.ts` lists them all. */
export type CommandModule = (program: Command, cli: Cli) => void;
