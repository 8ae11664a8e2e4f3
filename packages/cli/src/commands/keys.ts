/** `skytells keys list | create <name> | rotate <id> [--grace] | revoke <id>`: the account's API keys. */
import type { CreatedApiKey } from 'skytells';
import type { Cli, CommandModule } from '../cli.js';
import { durationSeconds, type PageOptions, pageOptions } from '../options.js';
import { formatTime } from '../table.js';

/** A new key, alone on stdout (or the whole answer as JSON): the one time it is ever shown. */
function showKeyOnce(cli: Cli, created: CreatedApiKey, json: boolean | undefined): void {
  cli.out.secretOnce(json ? JSON.stringify(created, null, 2) : created.key);
}

export const keysCommand: CommandModule = (program, cli) => {
  const keys = program.command('keys').description('Manage API keys (scopes keys.read, keys.write and inference)');

  pageOptions(keys.command('list').description('List API keys, newest first'), 'keys', 100).action(async (options: PageOptions, command) => {
    const { client } = await cli.session(command);
    const page = await cli.out.waitFor('Loading keys', client.keys.list({ page: options.page, per_page: options.perPage }));
    if (options.json) return cli.out.json(page);
    cli.out.table(
      ['ID', 'NAME', 'KEY', 'STATUS', 'CREATED', 'LAST USED'],
      page.data.map((key) => [key.id, key.name, key.masked_key, key.status, formatTime(key.created_at), formatTime(key.last_used_at, 'never')]),
    );
    cli.out.morePages(page.pagination, 'keys');
  });

  keys
    .command('create')
    .description('Create an API key; prints it once, alone on stdout')
    .argument('<name>', 'a name to recognise it by')
    .option('--json', 'print the created key as JSON (the key included, once)')
    .action(async (name: string, options: { json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const created = await client.keys.create({ name });
      showKeyOnce(cli, created, options.json);
      cli.out.info(`Created ${created.id} (${created.name}). This is the only time the key is shown: store it now.`);
    });

  keys
    .command('rotate')
    .description('Replace an API key with a new one; prints the new key once, alone on stdout')
    .argument('<id>', 'the key to rotate')
    .option('--grace <duration>', 'keep the old key working this long (e.g. 1h, 7d; at most 7d)', durationSeconds, 0)
    .option('--json', 'print the new key as JSON (the key included, once)')
    .action(async (id: string, options: { grace: number; json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const rotated = await client.keys.rotate(id, { grace_period_seconds: options.grace });
      showKeyOnce(cli, rotated, options.json);
      cli.out.info(
        `Rotated ${id} into ${rotated.id}. ${options.grace > 0 ? `The old key works until the grace period ends.` : 'The old key no longer works.'} This is the only time the new key is shown.`,
      );
    });

  keys
    .command('revoke')
    .description('Revoke an API key at once')
    .argument('<id>', 'the key to revoke')
    .option('--json', 'print the revoked key as JSON')
    .action(async (id: string, options: { json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const revoked = await client.keys.revoke(id);
      if (options.json) return cli.out.json(revoked);
      cli.out.success(`Revoked ${revoked.id} (${revoked.name}).`);
    });
};
