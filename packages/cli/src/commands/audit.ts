/** `skytells audit [--type <type>] [--since <when>]`: credential lifecycle and sign-in events, newest first. */
import type { AuditQuery } from 'skytells';
import type { CommandModule } from '../cli.js';
import { type PageOptions, pageOptions, sinceDate } from '../options.js';
import { formatTime } from '../table.js';

export const auditCommand: CommandModule = (program, cli) => {
  const audit = program
    .command('audit')
    .description('Show the audit log, newest first (scope audit.read)')
    .option('--type <type>', 'only events of this type, e.g. key.revoked')
    .option('--since <when>', 'start: a duration back from now (7d, 12h) or a date', sinceDate);
  pageOptions(audit, 'events', 50).action(async (options: PageOptions & { type?: string; since?: Date }, command) => {
    const { client } = await cli.session(command);
    const page = await cli.out.waitFor(
      'Loading the audit log',
      client.audit.list({
        page: options.page,
        per_page: options.perPage,
        // An unknown type is the server's to refuse (422, exit 2), with the list of known ones.
        ...(options.type === undefined ? {} : { type: options.type as AuditQuery['type'] }),
        ...(options.since === undefined ? {} : { from: options.since.toISOString() }),
      }),
    );
    if (options.json) return cli.out.json(page);
    cli.out.table(
      ['TIME', 'TYPE', 'ACTOR', 'TARGET', 'IP'],
      page.data.map((event) => [
        formatTime(event.created_at),
        event.type,
        event.actor.id === null ? event.actor.type : `${event.actor.type} ${event.actor.id}`,
        event.target === null ? '-' : event.target.id,
        event.ip ?? '-',
      ]),
    );
    cli.out.morePages(page.pagination, 'events');
  });
};
