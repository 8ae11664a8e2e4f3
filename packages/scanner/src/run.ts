/**
 * `skytells scan`: the whole command apart from argument parsing, so the CLI and the
 * stand-alone `skytells-scan` bin run the same thing.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ScanResult, scanFiles } from './files.js';
import { exitCode, parseBaseline, withoutBaseline } from './findings.js';
import { scanHistory, scanStaged, workTreeOf } from './git.js';
import { formatJson, formatSarif, formatTable } from './output.js';
import { checkStatus, reportLeaks } from './remote.js';

export const FORMATS = ['table', 'json', 'sarif'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface ScanOptions {
  path?: string;
  git?: boolean;
  since?: string;
  staged?: boolean;
  verify?: boolean;
  report?: boolean;
  format?: OutputFormat;
  baseline?: string;
  failOnAny?: boolean;
  /** Server for --verify and --report. */
  apiUrl?: string;
}

export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

async function scanTarget(dir: string, options: ScanOptions): Promise<ScanResult> {
  if (options.staged || options.git || options.since) {
    const top = await workTreeOf(dir);
    if (!top) throw new Error(`${dir} is not inside a git work tree`);
    if (options.staged) return scanStaged(top);
    return scanHistory(top, options.since ? { since: options.since } : {});
  }
  return scanFiles(dir);
}

async function repositoryUrl(dir: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((done) =>
    execFile('git', ['remote', 'get-url', 'origin'], { cwd: dir }, (error, stdout) => done(error ? undefined : stdout.trim() || undefined)),
  );
}

/**
 * Scans, verifies and reports as `options` say, writes the findings, and answers the exit
 * code (0 or 1, see `exitCode`). A failure (not a repository, server unreachable, bad
 * baseline) is thrown: the caller prints it and exits 2.
 */
export async function runScan(options: ScanOptions, output: Output): Promise<0 | 1> {
  const format = options.format ?? 'table';
  if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  if ((options.verify || options.report) && !options.apiUrl) throw new Error('--verify and --report need a server URL');
  const dir = resolve(options.path ?? '.');
  const baseline = options.baseline ? parseBaseline(await readFile(options.baseline, 'utf8')) : new Set<string>();
  const result = await scanTarget(dir, options);
  const findings = withoutBaseline(result.findings, baseline);
  const remote = { apiUrl: options.apiUrl ?? '' };
  if ((options.verify || options.report) && findings.length > 0) await checkStatus(findings, remote);
  const live = findings.filter((finding) => finding.status === 'live');
  output.stdout(format === 'json' ? formatJson(findings) : format === 'sarif' ? formatSarif(findings) : formatTable(findings));
  if (options.report && live.length > 0) {
    const url = await repositoryUrl(dir);
    for (const leak of await reportLeaks(live, { ...remote, ...(url ? { repositoryUrl: url } : {}) })) {
      const window = leak.exposure ? `, exposed from ${leak.exposure.from} to ${leak.exposure.to}` : '';
      output.stderr(`reported ${leak.masked}: ${leak.status}${window}${leak.usage_url ? `; its requests in that window: ${leak.usage_url}` : ''}\n`);
    }
  }
  // No error is passed, so the decision is 0 or 1.
  return exitCode({ findings, failOnAny: options.failOnAny ?? false }) as 0 | 1;
}
