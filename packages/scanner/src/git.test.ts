import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import { scanFiles } from './files.js';
import { scanHistory, scanStaged } from './git.js';
import { commit, git, type Planted, plantedRepository, write } from './repository.test-support.js';

const planted: Planted = {
  deleted: generateApiKey(),
  sideBranch: generateApiKey(),
  stash: generateApiKey(),
  message: generateApiKey(),
  notebook: generatePersonalAccessToken(),
};
const dir = plantedRepository(planted);
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `work` on a fresh copy of the planted repository, removed afterwards. */
async function withCopy(work: (copy: string) => Promise<void>): Promise<void> {
  const copy = plantedRepository(planted);
  try {
    await work(copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

describe('history scan of a real repository', () => {
  test('finds the five planted credentials and where each first appeared; no look-alike', async () => {
    const { findings } = await scanHistory(dir);
    const byValue = new Map(findings.map((f) => [f.value, f]));
    assert.deepEqual([...byValue.keys()].sort(), Object.values(planted).sort());

    const deleted = byValue.get(planted.deleted)!;
    assert.equal(deleted.firstSeen, '2026-01-02T10:00:00.000Z');
    assert.deepEqual(
      deleted.locations.map((l) => [l.source, l.path, l.line]),
      [['blob', 'config/.env', 1]],
    );
    assert.equal(deleted.firstCommit, git(dir, 'rev-list', '-1', '--grep=add config', 'main').trim());

    assert.equal(byValue.get(planted.sideBranch)!.locations[0]!.path, 'side.js');
    assert.equal(byValue.get(planted.sideBranch)!.firstCommit, git(dir, 'rev-parse', 'side').trim());
    assert.equal(byValue.get(planted.stash)!.locations[0]!.path, 'wip.py');
    const message = byValue.get(planted.message)!;
    assert.equal(message.locations[0]!.source, 'commit-message');
    assert.equal(message.firstSeen, '2026-01-05T10:00:00.000Z');
    const notebook = byValue.get(planted.notebook)!;
    assert.equal(notebook.kind, 'personal_access_token');
    assert.equal(notebook.locations[0]!.path, 'analysis.ipynb');
  });

  test('reflog-only and dangling objects are read too', () =>
    withCopy(async (copy) => {
      const reset = generateApiKey();
      const dangling = generateApiKey();
      write(copy, 'tmp.txt', `${reset}\n`);
      commit(copy, 'oops', 7);
      git(copy, 'reset', '-q', '--hard', 'HEAD~1');
      write(copy, 'loose.txt', `${dangling}\n`);
      git(copy, 'hash-object', '-w', 'loose.txt');
      rmSync(`${copy}/loose.txt`);
      const found = new Map((await scanHistory(copy)).findings.map((f) => [f.value, f]));
      assert.equal(found.get(reset)?.locations[0]?.path, 'tmp.txt');
      assert.equal(found.get(dangling)?.locations[0]?.source, 'blob');
      assert.equal(found.get(dangling)?.locations[0]?.path, undefined);
    }));

  test('a linked work tree and a SHA-256 repository, which git locates and reads: the same findings', () =>
    withCopy(async (copy) => {
      const linked = `${copy}-linked`;
      try {
        git(copy, 'worktree', 'add', '-q', linked, 'side');
        const values = async (repo: string) => (await scanHistory(repo)).findings.map((f) => f.value).sort();
        assert.deepEqual(await values(linked), await values(copy));

        const sha256 = `${copy}-sha256`;
        git(copy, 'init', '-q', '--object-format=sha256', '-b', 'main', sha256);
        const key = generateApiKey();
        write(sha256, 'app.env', `KEY=${key}\n`);
        commit(sha256, 'key', 9);
        const [found] = (await scanHistory(sha256)).findings;
        assert.deepEqual([found?.value, found?.locations[0]?.path, found?.firstSeen], [key, 'app.env', '2026-01-09T10:00:00.000Z']);
      } finally {
        rmSync(linked, { recursive: true, force: true });
        rmSync(`${copy}-sha256`, { recursive: true, force: true });
      }
    }));

  test('--since reads only what is new since the base; --staged reads the index', () =>
    withCopy(async (copy) => {
      const base = git(copy, 'rev-parse', 'HEAD').trim();
      const fresh = generateApiKey();
      write(copy, 'new.env', `KEY=${fresh}\n`);
      commit(copy, 'new', 8);
      assert.deepEqual(
        (await scanHistory(copy, { since: base })).findings.map((f) => f.value),
        [fresh],
      );
      const staged = generatePersonalAccessToken();
      write(copy, 'staged.txt', `token ${staged}\n`);
      write(copy, 'unstaged.txt', `${generateApiKey()}\n`);
      git(copy, 'add', 'staged.txt');
      const result = await scanStaged(copy);
      assert.deepEqual(
        result.findings.map((f) => [f.value, f.locations[0]?.path, f.locations[0]?.line]),
        [[staged, 'staged.txt', 1]],
      );
    }));
});

describe('files scan', () => {
  test('the work tree only: ignored and binary files skipped, large files streamed', () =>
    withCopy(async (copy) => {
      const [visible, ignored, binary, large] = [generateApiKey(), generateApiKey(), generateApiKey(), generatePersonalAccessToken()];
      write(copy, '.gitignore', 'secret/\n');
      write(copy, 'src/app.ts', `export const key = '${visible}';\n`);
      write(copy, 'secret/keys.txt', `${ignored}\n`);
      write(copy, 'image.bin', `\u0000\u0001${binary}\n`);
      // Across the 4 MiB window boundary of the stream.
      write(copy, 'big.log', `${'x'.repeat(4 * 1024 * 1024 - 30)}\n${large}\n${'y\n'.repeat(8 * 1024 * 1024)}`);
      const { findings } = await scanFiles(copy);
      assert.deepEqual(
        findings.map((f) => [f.value, f.locations[0]?.path, f.locations[0]?.line]).sort(),
        [
          [planted.notebook, 'analysis.ipynb', findings.find((f) => f.value === planted.notebook)?.locations[0]?.line],
          [large, 'big.log', 2],
          [visible, 'src/app.ts', 1],
        ].sort(),
      );
      rmSync(`${copy}/.git`, { recursive: true });
      const outside = await scanFiles(copy);
      assert.equal(
        outside.findings.some((f) => f.value === ignored),
        false,
        'the .gitignore is read without git too',
      );
      assert.equal(
        outside.findings.some((f) => f.value === visible),
        true,
      );
    }));
});

describe('history scan of packed objects (packed objects)', () => {
  test('the same findings as from loose objects, through deltas, rotations and repacks', () =>
    withCopy(async (copy) => {
      // A key rotated in place: the new version's delta copies `KEY=sk-` from the old one.
      const [first, second] = [generateApiKey(), generateApiKey()];
      const filler = Array.from({ length: 400 }, (_, i) => `line ${i} of some configuration text`).join('\n');
      write(copy, 'rotating.env', `${filler}\nSKYTELLS_API_KEY=${first}\n${filler}\n`);
      commit(copy, 'first key', 10);
      write(copy, 'rotating.env', `${filler}\nSKYTELLS_API_KEY=${second}\n${filler}\n`);
      commit(copy, 'rotated', 11);
      write(copy, 'rotating.env', `${filler}\nSKYTELLS_API_KEY=${second}\n${filler}\nmore\n`);
      commit(copy, 'unrelated change', 12);
      const summary = (findings: Awaited<ReturnType<typeof scanHistory>>['findings']) =>
        findings
          .map((f) => `${f.value} ${f.firstSeen} ${f.firstCommit} ${f.locations.map((l) => `${l.source}:${l.path}:${l.line}:${l.object}`).join(',')}`)
          .sort();
      const loose = summary((await scanHistory(copy)).findings);
      assert.equal(loose.length, 7);
      git(copy, 'repack', '-a', '-d', '-f', '-q', '--window=50');
      git(copy, 'prune-packed');
      assert.equal(git(copy, 'count-objects', '-v').match(/^count: (\d+)/m)?.[1], '0', 'every object is packed');
      assert.deepEqual(summary((await scanHistory(copy)).findings), loose);
    }));
});
