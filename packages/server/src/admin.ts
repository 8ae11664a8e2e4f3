/**
 * Operator commands, run against the configured database (`npm run admin -- <command>`):
 *   set-plan <email> <plan>   put an account on a plan (decides which models it may use)
 *   rollup                    roll raw usage up into daily aggregates and apply retention now
 */

import { normalizeEmail } from './accounts/schema.js';
import { loadConfig } from './config/config.js';
import { openStore } from './store/store.js';
import { rollUpAndPrune } from './usage/repository.js';

const USAGE = 'usage: npm run admin -- set-plan <email> <plan> | rollup';

async function main(args: string[]): Promise<number> {
  const config = loadConfig();
  const store = await openStore(config.database, { poolSize: 1 });
  try {
    await store.migrateToLatest();
    const [command, ...rest] = args;
    if (command === 'set-plan' && rest.length === 2) {
      const [email, plan] = rest as [string, string];
      if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(plan)) {
        process.stderr.write('plan must be 1-32 lower-case letters, digits, - or _\n');
        return 2;
      }
      const result = await store.db
        .updateTable('accounts')
        .set({ plan, updated_at: Date.now() })
        .where('email_normalized', '=', normalizeEmail(email))
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        process.stderr.write(`no account with email ${email}\n`);
        return 1;
      }
      process.stdout.write(`${email} is now on plan ${plan}\n`);
      return 0;
    }
    if (command === 'rollup' && rest.length === 0) {
      const { days, pruned } = await rollUpAndPrune(store.db, Date.now(), config.usageRetentionDays);
      process.stdout.write(`rolled up ${days} day(s); pruned ${pruned} minute group(s) older than ${config.usageRetentionDays} days\n`);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`admin: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
