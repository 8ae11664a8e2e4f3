/**
 * The device authorization grant (RFC 8628) from the CLI's side, on the SDK's device login:
 * ask for codes, show the code and the URL (and open a browser when someone is at this
 * terminal), then let the SDK poll at the server's interval, slower on each `slow_down`, until
 * the user decides in the console. A denial or an expired code is an authentication refusal (exit 4).
 */
import { SkytellsError } from 'skytells';
import type { Cli } from './cli.js';
import { type DeviceToken, pollDeviceToken, startDeviceLogin } from './client.js';
import { CliError, EXIT } from './errors.js';

export async function deviceLogin(
  cli: Cli,
  apiUrl: string,
  request: { scopes: string[] | undefined; clientName: string; browser: boolean },
): Promise<DeviceToken> {
  const authorization = await startDeviceLogin({
    baseUrl: apiUrl,
    clientName: request.clientName,
    ...(request.scopes ? { scopes: request.scopes } : {}),
  });
  cli.out.info(`To approve, open ${authorization.verification_uri} and enter the code:\n\n    ${authorization.user_code}\n`);
  if (request.browser && cli.out.isInteractive) {
    // A browser is a convenience: on a machine without one the URL above is enough. Loaded
    // here, not at start-up, as most runs never open one.
    const { default: open } = await import('open');
    await open(authorization.verification_uri_complete).catch(() => undefined);
  }
  try {
    return await cli.out.waitFor('Waiting for approval in the console', pollDeviceToken(authorization, { baseUrl: apiUrl }));
  } catch (error) {
    if (error instanceof SkytellsError && error.errorId === 'access_denied') throw new CliError('The request was denied in the console', EXIT.auth);
    if (error instanceof SkytellsError && error.errorId === 'expired_token') {
      throw new CliError('The code expired before it was approved', EXIT.auth, 'Run the command again for a new code');
    }
    throw error;
  }
}
