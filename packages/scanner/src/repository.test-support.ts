/** Builds a real git repository holding credentials in every place a history scan must reach. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lookAlikes } from './look-alikes.test-support.js';

export interface Planted {
  /** Committed, then deleted in a later commit. */
  deleted: string;
  /** Committed on a side branch only. */
  sideBranch: string;
  /** In a stash only. */
  stash: string;
  /** In a commit message. */
  message: string;
  /** A PAT in a notebook's output. */
  notebook: string;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

export function write(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** Commits at fixed, increasing dates so first-seen times can be checked. */
export function commit(dir: string, message: string, day: number): string {
  const date = `2026-01-${String(day).padStart(2, '0')}T10:00:00Z`;
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  });
  return git(dir, 'rev-parse', 'HEAD').trim();
}

export function plantedRepository(planted: Planted): string {
  const dir = mkdtempSync(join(tmpdir(), 'skytells-scan-'));
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, 'README.md', '# demo\n');
  write(dir, 'notes/look-alikes.txt', `${lookAlikes().join('\n')}\n`);
  commit(dir, 'initial', 1);
  write(dir, 'config/.env', `SKYTELLS_API_KEY=${planted.deleted}\n`);
  commit(dir, 'add config', 2);
  write(dir, 'config/.env', 'SKYTELLS_API_KEY=\n');
  commit(dir, 'remove the key', 3);
  const notebook = {
    cells: [{ cell_type: 'code', source: ['print(token)'], outputs: [{ output_type: 'stream', name: 'stdout', text: [`${planted.notebook}\n`] }] }],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  write(dir, 'analysis.ipynb', JSON.stringify(notebook, null, 1));
  commit(dir, 'notebook', 4);
  commit(dir, `debugging: tried ${planted.message} here`, 5);
  git(dir, 'checkout', '-q', '-b', 'side');
  write(dir, 'side.js', `const client = new Skytells({ apiKey: '${planted.sideBranch}' });\n`);
  commit(dir, 'side work', 6);
  git(dir, 'checkout', '-q', 'main');
  write(dir, 'wip.py', `API_KEY = "${planted.stash}"\n`);
  execFileSync('git', ['add', 'wip.py'], { cwd: dir });
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'stash', 'push', '-q', '-m', 'wip');
  return dir;
}
