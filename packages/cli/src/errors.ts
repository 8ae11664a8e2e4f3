/** Exit codes, and the one error type commands throw to end with a message and a code. */

export const EXIT = { ok: 0, error: 1, usage: 2, auth: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.error,
    /** A next step for the user, printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string, hint?: string): CliError => new CliError(message, EXIT.usage, hint);

export const notSignedIn = (): CliError =>
  new CliError('Not signed in', EXIT.auth, 'Run `skytells login`, or set SKYTELLS_TOKEN to a personal access token');
