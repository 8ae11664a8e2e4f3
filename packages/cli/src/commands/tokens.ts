/**
 * `skytells tokens list | revoke <id> | rotate | create --scopes ...`. No token may mint
 * another, so `create` runs a device grant that the user approves in the console, and
 * `rotate` replaces the CLI's own token, saving the new one where the old one was.
 */
import type { CommandModule } from '../cli.js';
import { writeCredentials } from '../credentials-file.js';
import { deviceLogin } from '../device-login.js';
import { durationSeconds, type PageOptions, pageOptions, scopeList } from '../options.js';
import { formatTime } from '../table.js';

export const tokensCommand: CommandModule = (program, cli) => {
  const tokens = program.command('tokens').description('Manage personal access tokens (scopes tokens.read, tokens.write)');

  pageOptions(tokens.command('list').description('List personal access tokens, newest first'), 'tokens', 100).action(
    async (options: PageOptions, command) => {
      const { client } = await cli.session(command);
      const page = await cli.out.waitFor('Loading tokens', client.tokens.list({ page: options.page, per_page: options.perPage }));
      if (options.json) return cli.out.json(page);
      cli.out.table(
        ['ID', 'NAME', 'TOKEN', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED'],
        page.data.map((token) => [
          token.id,
          token.name,
          token.masked_token,
          token.expiring_soon && token.status === 'active' ? 'expiring soon' : token.status,
          token.scopes.join(','),
          formatTime(token.expires_at, 'never'),
          formatTime(token.last_used_at, 'never'),
        ]),
      );
      cli.out.morePages(page.pagination, 'tokens');
    },
  );

  tokens
    .command('revoke')
    .description('Revoke a personal access token at once')
    .argument('<id>', 'the token to revoke')
    .option('--json', 'print the revoked token as JSON')
    .action(async (id: string, options: { json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const revoked = await client.tokens.revoke(id);
      if (options.json) return cli.out.json(revoked);
      cli.out.success(`Revoked ${revoked.id} (${revoked.name}).`);
    });

  tokens
    .command('rotate')
    .description("Replace the CLI's own token with a new one (same scopes), saved in place")
    .option('--grace <duration>', 'keep the old token working this long (e.g. 1h; at most 7d)', durationSeconds, 0)
    .option('--json', 'print the new token as JSON (its secret only when it is not saved)')
    .action(async (options: { grace: number; json?: boolean }, command) => {
      const { client, credential, apiUrl, stored } = await cli.session(command);
      const rotated = await client.tokens.rotateSelf({ grace_period_seconds: options.grace });
      const { token: secret, ...view } = rotated;
      if (credential.source === 'credentials file') {
        await writeCredentials(cli.credentialsPath, {
          ...stored,
          api_url: stored?.api_url ?? apiUrl,
          token: secret,
          token_id: view.id,
          scopes: view.scopes,
          expires_at: view.expires_at,
          saved_at: new Date(cli.now()).toISOString(),
        });
        if (options.json) cli.out.json(view);
        cli.out.success(`Rotated: ${view.masked_token} (${view.id}) saved to ${cli.credentialsPath}`);
      } else {
        // Not ours to save: the variable's owner must store it, so it is printed, once.
        cli.out.secretOnce(options.json ? JSON.stringify(rotated, null, 2) : secret);
        cli.out.warn(`the token came from ${credential.source}: put the new one there; it is shown only once.`);
      }
    });

  tokens
    .command('create')
    .description('Create a token through a device grant approved in the console; prints it once, alone on stdout')
    .requiredOption('--scopes <scopes>', 'scopes for the token, comma-separated', scopeList)
    .option('--name <name>', 'a name to recognise it by', 'Skytells CLI token')
    .option('--no-browser', 'do not open a browser')
    .action(async (options: { scopes: string[]; name: string; browser: boolean }, command) => {
      const issued = await deviceLogin(cli, await cli.apiUrl(command), {
        scopes: options.scopes,
        clientName: options.name,
        browser: options.browser,
      });
      cli.out.secretOnce(issued.access_token);
      cli.out.info(`Created a token with scopes ${issued.scopes.join(', ')}; expires ${issued.expires_at ?? 'never'}. It is shown only once.`);
    });
};
