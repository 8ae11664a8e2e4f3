/**
 * The `skytells` program: commander parses the arguments, each command runs, and every
 * failure ends here as one message on stderr and an exit code:
 * 0 ok, 1 error, 2 usage error, 4 authentication needed or refused.
 */
import { readFileSync } from 'node:fs';
import { redactCredentials } from '@skytells/credentials';
import { Command, CommanderError } from 'commander';
import { SkytellsError } from 'skytells';
import { Cli } from './cli.js';
import { commands } from './commands/index.js';
import { CliError, EXIT, type ExitCode } from './errors.js';
import { Output } from './output.js';

/** From the package itself: ../package.json beside both src/ and dist/. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function buildProgram(cli: Cli): Command {
  const program = new Command('skytells')
    .description('Manage your Skytells account, API keys and tokens from the terminal')
    .version(VERSION)
    .option('--api-url <url>', 'the server (default: SKYTELLS_API_URL, then the saved one, then http://127.0.0.1:8080)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      // Commander quotes what it could not parse: an argument may be a pasted secret.
      writeErr: (text) => process.stderr.write(redactCredentials(text)),
    });
  // Commands made with .command() inherit the settings above (exit override, output, help
  // after an error), so every usage error, at any depth, ends in run() below.
  for (const register of commands) register(program, cli);
  return program;
}

/** What the user is told for a failure, and the exit code. */
export function describeFailure(error: unknown, apiUrl: string): { message: string; hint?: string; code: ExitCode } {
  if (error instanceof CliError) return { message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }), code: error.exitCode };
  if (error instanceof SkytellsError) {
    const request = error.requestId ? ` (request ${error.requestId})` : '';
    const detail = error.details ? `: ${error.details}` : '';
    if (error.httpStatus === 401 || error.errorId === 'INVALID_CREDENTIAL') {
      return {
        message: `${error.message}${detail}${request}`,
        hint: 'The token was refused (revoked, expired or not a token). Run `skytells login` to sign in again.',
        code: EXIT.auth,
      };
    }
    if (error.httpStatus === 403) {
      const scopes = error.acceptedScopes?.length ? ` It needs: ${error.acceptedScopes.join(', ')}.` : '';
      return {
        message: `${error.message}${detail}${request}`,
        hint: `The token lacks a scope for this.${scopes} Sign in with them: skytells login --scopes <scopes>`,
        code: EXIT.auth,
      };
    }
    if (error.errorId === 'NETWORK_ERROR')
      return {
        message: `Cannot reach ${apiUrl}: ${error.message}`,
        hint: 'Is the server running? Set it with --api-url or SKYTELLS_API_URL.',
        code: EXIT.error,
      };
    if (error.httpStatus === 422 || error.httpStatus === 400) return { message: `${error.message}${detail}${request}`, code: EXIT.usage };
    return { message: `${error.message}${detail}${request}`, code: EXIT.error };
  }
  return { message: error instanceof Error ? error.message : String(error), code: EXIT.error };
}

export async function run(argv: readonly string[]): Promise<ExitCode> {
  const out = new Output(process.stdout, process.stderr, process.env);
  const cli = new Cli(out, process.env);
  const program = buildProgram(cli);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit 0; anything else commander refuses is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const failure = describeFailure(error, cli.resolvedApiUrl ?? 'the server');
    out.error(failure.message, failure.hint);
    return failure.code;
  }
}
