/**
 * `skytells login`: the device flow by default (approve in the console), or `--token` to use
 * an existing personal access token, read from a hidden prompt or stdin. Either way the token
 * is checked against the server before it is saved, with its id, scopes and expiry.
 */
import { isCredential } from '@skytells/credentials';
import type { CommandModule } from '../cli.js';
import { managementClient, SELF } from '../client.js';
import { writeCredentials } from '../credentials-file.js';
import { deviceLogin } from '../device-login.js';
import { usageError } from '../errors.js';
import { scopeList } from '../options.js';
import { readSecret } from '../read-secret.js';

export const loginCommand: CommandModule = (program, cli) => {
  program
    .command('login')
    .description('Sign in: approve this device in the console (or --token to use an existing token)')
    .option('--token', 'read a personal access token from a hidden prompt, or from stdin when it is not a terminal')
    .option('--scopes <scopes>', "scopes to ask for, comma-separated (default: the server's login set)", scopeList)
    .option('--no-browser', 'do not open a browser')
    .action(async (options: { token?: boolean; scopes?: string[]; browser: boolean }, command) => {
      const apiUrl = await cli.apiUrl(command);
      let token: string;
      if (options.token) {
        if (options.scopes) throw usageError('--scopes applies to the device flow; a token keeps the scopes it was created with');
        token = await readSecret('Personal access token: ');
        if (!isCredential(token, 'personal_access_token')) {
          throw usageError('That is not a personal access token', 'A token starts with sk_pat_ and has 64 hex digits: copy it whole');
        }
      } else {
        token = (await deviceLogin(cli, apiUrl, { scopes: options.scopes, clientName: 'Skytells CLI', browser: options.browser })).access_token;
      }
      // Checked before it is saved: a refused token is never written.
      const self = await managementClient(token, apiUrl).tokens.get(SELF);
      await writeCredentials(cli.credentialsPath, {
        api_url: apiUrl,
        token,
        token_id: self.id,
        scopes: self.scopes,
        expires_at: self.expires_at,
        saved_at: new Date(cli.now()).toISOString(),
      });
      cli.out.success(`Signed in. Token ${self.masked_token} saved to ${cli.credentialsPath}`);
      cli.out.info(`Scopes: ${self.scopes.join(', ')}; expires ${self.expires_at ?? 'never'}`);
      cli.warnIfExpiring(self.expires_at);
      if (cli.env.SKYTELLS_TOKEN?.trim() || cli.env.SKYTELLS_API_KEY?.trim()) {
        cli.out.warn('SKYTELLS_TOKEN or SKYTELLS_API_KEY is set: it comes before the saved token. Unset it to use this login.');
      }
    });
};
