/** `skytells usage [--key <id>] [--since 7d]`: requests, predictions, errors and charges by day and key. */
import type { CommandModule } from '../cli.js';
import { sinceDate } from '../options.js';
import { formatTime } from '../table.js';

export const usageCommand: CommandModule = (program, cli) => {
  program
    .command('usage')
    .description('Show usage by day and key (scope usage.read)')
    .option('--key <id>', 'only this API key (or token)')
    .option('--since <when>', 'start: a duration back from now (7d, 12h) or a date', sinceDate)
    .option('--json', 'print JSON')
    .action(async (options: { key?: string; since?: Date; json?: boolean }, command) => {
      const { client } = await cli.session(command);
      const since = options.since ?? new Date(cli.now() - 7 * 86_400_000);
      const usage = await cli.out.waitFor(
        'Loading usage',
        client.usage.get({ from: since.toISOString(), ...(options.key === undefined ? {} : { key_id: options.key }) }),
      );
      if (options.json) return cli.out.json(usage);
      const row = (period: string, key: string, u: { requests: number; predictions: number; errors: number; charge: string }) => [
        period,
        key,
        String(u.requests),
        String(u.predictions),
        String(u.errors),
        `$${u.charge}`,
      ];
      cli.out.table(
        ['DAY', 'KEY', 'REQUESTS', 'PREDICTIONS', 'ERRORS', 'CHARGE'],
        [...usage.data.map((d) => row(formatTime(d.period).slice(0, 10), d.key_id, d)), row('total', '', usage.totals)],
      );
    });
};
