/** `skytells logout`: revokes the saved token on the server, then deletes it locally. */
import type { SkytellsError } from 'skytells';
import type { CommandModule } from '../cli.js';
import { managementClient, SELF } from '../client.js';
import { deleteCredentials } from '../credentials-file.js';

export const logoutCommand: CommandModule = (program, cli) => {
  program
    .command('logout')
    .description('Revoke the saved token on the server and delete it from this machine')
    .action(async (_options, command) => {
      const stored = await cli.stored();
      if (stored?.token === undefined) {
        cli.out.info('Not signed in: no saved token.');
      } else {
        try {
          await managementClient(stored.token, await cli.apiUrl(command)).tokens.revoke(SELF);
        } catch (error) {
          // Already revoked or expired: the server holds nothing to end, so the local copy goes.
          if ((error as SkytellsError).httpStatus !== 401) throw error;
        }
        await deleteCredentials(cli.credentialsPath);
        cli.out.success('Signed out: the token is revoked and deleted from this machine.');
      }
      if (cli.env.SKYTELLS_TOKEN?.trim()) {
        cli.out.warn('SKYTELLS_TOKEN is still set in the environment; the CLI will keep using it. Unset it to sign out fully.');
      }
    });
};
