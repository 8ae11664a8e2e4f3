/**
 * `skytells scan [path] [--git] [--since <rev>] [--staged] [--verify] [--report] [--format …]
 * [--baseline <file>] [--fail-on-any]`: finds Skytells keys and tokens (checksum-exact) in
 * files, the whole git history or the index, with the @skytells/scanner engine. Needs no sign-in:
 * `--verify` sends only SHA-256 hashes, `--report` sends the live credentials themselves to be
 * revoked. Exit 0 clean, 1 live (or unverified, or with --fail-on-any any) credentials found,
 * 2 on error.
 */
import { exitCode, FORMATS, type OutputFormat, runScan } from '@skytells/scanner';
import { Option } from 'commander';
import type { CommandModule } from '../cli.js';
import { CliError } from '../errors.js';

interface ScanFlags {
  git?: boolean;
  since?: string;
  staged?: boolean;
  verify?: boolean;
  report?: boolean;
  format: OutputFormat;
  baseline?: string;
  failOnAny?: boolean;
}

export const scanCommand: CommandModule = (program, cli) => {
  program
    .command('scan')
    .description('Find Skytells keys and tokens in files or git history; check and revoke leaked ones')
    .argument('[path]', 'folder to scan (default: the current one)')
    .option('--git', 'scan the whole git history: every object, stashes, reflogs, commit messages')
    .option('--since <rev>', 'scan only the commits reachable from HEAD and not from <rev> (CI)')
    .option('--staged', 'scan the staged changes (pre-commit hook)')
    .option('--verify', 'ask the server whether each one is live (sends SHA-256 hashes only)')
    .option('--report', 'report live ones to the server, which revokes them at once (implies --verify)')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('--baseline <file>', 'ignore the credentials whose SHA-256 is listed in <file>, one per line')
    .option('--fail-on-any', 'exit 1 for any credential found, live or not')
    .action(async (path: string | undefined, flags: ScanFlags, command) => {
      const apiUrl = flags.verify || flags.report ? await cli.apiUrl(command) : undefined;
      let code: 0 | 1;
      try {
        code = await runScan(
          { ...flags, ...(path === undefined ? {} : { path }), ...(apiUrl === undefined ? {} : { apiUrl }) },
          { stdout: (text) => process.stdout.write(text), stderr: (text) => cli.out.info(text.trimEnd()) },
        );
      } catch (error) {
        throw new CliError(`scan failed: ${error instanceof Error ? error.message : String(error)}`, exitCode({ error: true, findings: [] }) as 2);
      }
      if (code === 1) {
        throw new CliError(
          'Skytells credentials found that are live (or were not verified)',
          code,
          flags.report
            ? 'They were reported and revoked: create replacements, then remove them from history.'
            : 'Revoke them: skytells scan --report',
        );
      }
    });
};
