/** `skytells whoami [--json]`: the account, the token's scopes and expiry, and where the credential came from. */
import type { SkytellsError } from 'skytells';
import type { CommandModule } from '../cli.js';
import { SELF } from '../client.js';
import { formatTime } from '../table.js';

export const whoamiCommand: CommandModule = (program, cli) => {
  program
    .command('whoami')
    .description('Show the account, the token in use, its scopes and expiry, and where it came from')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command) => {
      const { client, credential, apiUrl } = await cli.session(command);
      const token = await cli.out.waitFor('Asking the server', client.tokens.get(SELF));
      // The account needs account.read, which a token may lack: then only the token is shown.
      const account = await client.account.get().catch((error: SkytellsError) => {
        if (error.httpStatus === 403) return null;
        throw error;
      });
      cli.warnIfExpiring(token.expires_at);
      const answer = {
        api_url: apiUrl,
        source: credential.source,
        account: account && { id: account.id, email: account.email, name: account.name, plan: account.plan },
        token: {
          id: token.id,
          name: token.name,
          masked_token: token.masked_token,
          scopes: token.scopes,
          status: token.status,
          expires_at: token.expires_at,
        },
      };
      if (options.json) return cli.out.json(answer);
      cli.out.fields([
        ['Account', account ? `${account.email} (${account.name}, ${account.id})` : '(hidden: the token lacks account.read)'],
        ['Token', `${token.masked_token} ${token.name} (${token.id})`],
        ['Scopes', token.scopes.join(', ')],
        ['Expires', formatTime(token.expires_at, 'never')],
        ['Source', credential.source === 'credentials file' ? `${credential.source} (${cli.credentialsPath})` : credential.source],
        ['Server', apiUrl],
      ]);
    });
};
