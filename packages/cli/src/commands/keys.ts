/** `skytells keys list | create <name> | rotate <id> [--grace] | revoke <id>`: the account's API keys. */
import type { CommandModule } from '../cli.js';
import { durationSeconds, positiveInteger } from '../options.js';
import { formatTime } from '../table.js';

export const keysCommand: CommandModule = (program, cli) => {
  const keys = program.command('keys').description('Manage API keys (scopes keys.read, keys.write and inference)');

  keys
    .command('list')
    .description('List API keys, newest first')
    .option('--page <n>', 'page number', positiveInteger, 1)
    .option('--per-page <n>', 'keys per page (1-100)', positiveInteger, 100)
    .option('--json', 'print JSON')
    .action(async (options: { page: number; perPage: number; json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const page = await cli.out.waitFor('Loading keys', client.keys.list({ page: options.page, per_page: options.perPage }));
      if (options.json) return cli.out.json(page);
      cli.out.table(
        ['ID', 'NAME', 'KEY', 'STATUS', 'CREATED', 'LAST USED'],
        page.data.map((key) => [key.id, key.name, key.masked_key, key.status, formatTime(key.created_at), formatTime(key.last_used_at, 'never')]),
      );
      if (page.pagination.last_page > page.pagination.current_page) {
        cli.out.info(`Page ${page.pagination.current_page} of ${page.pagination.last_page} (${page.pagination.total} keys): use --page`);
      }
    });

  keys
    .command('create')
    .description('Create an API key; prints it once, alone on stdout')
    .argument('<name>', 'a name to recognise it by')
    .option('--json', 'print the created key as JSON (the key included, once)')
    .action(async (name: string, options: { json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const created = await client.keys.create({ name });
      if (options.json) cli.out.secretOnce(JSON.stringify(created, null, 2));
      else cli.out.secretOnce(created.key);
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
      if (options.json) cli.out.secretOnce(JSON.stringify(rotated, null, 2));
      else cli.out.secretOnce(rotated.key);
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
