import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { credentialsPath, deleteCredentials, permissionProblem, readCredentials, writeCredentials } from './credentials-file.js';
import type { CliError } from './errors.js';

const root = mkdtempSync(join(tmpdir(), 'skytells-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('the credentials file', () => {
  test('lives in $SKYTELLS_CONFIG_DIR, else ~/.config/skytells', () => {
    assert.equal(credentialsPath({ SKYTELLS_CONFIG_DIR: '/x/y' }), '/x/y/credentials.json');
    assert.match(credentialsPath({}), /\/\.config\/skytells\/credentials\.json$/);
  });

  test('is written 0600 in a 0700 directory, replaced whole, and read back', async () => {
    const path = join(root, 'fresh', 'nested', 'credentials.json');
    await writeCredentials(path, { token: 'first', scopes: ['keys.read'], expires_at: null });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, 'fresh', 'nested')).mode & 0o777, 0o700);
    await writeCredentials(path, { token: 'second', api_url: 'http://x' });
    assert.deepEqual(await readCredentials(path), { token: 'second', api_url: 'http://x' });
    assert.deepEqual(readdirSync(join(root, 'fresh', 'nested')), ['credentials.json'], 'no temporary file left behind');
    assert.equal(await deleteCredentials(path), true);
    assert.equal(await readCredentials(path), undefined);
    assert.equal(await deleteCredentials(path), false);
  });

  test('an existing, wider directory is narrowed to 0700', async () => {
    const dir = join(root, 'wide');
    await writeCredentials(join(dir, 'credentials.json'), { token: 't' });
    chmodSync(dir, 0o755);
    await writeCredentials(join(dir, 'credentials.json'), { token: 't' });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  test('a file others can read or write is refused, saying how to fix it', async () => {
    const path = join(root, 'loose.json');
    writeFileSync(path, '{"token":"t"}');
    chmodSync(path, 0o644);
    await assert.rejects(readCredentials(path), (error: CliError) => {
      assert.match(error.message, /readable by other users \(mode 644\)/);
      assert.match(error.hint ?? '', /chmod 600/);
      return true;
    });
    chmodSync(path, 0o600);
    assert.deepEqual(await readCredentials(path), { token: 't' });
    assert.equal(permissionProblem(0o100620), 'writable by other users');
    assert.equal(permissionProblem(0o100640), 'readable by other users');
    assert.equal(permissionProblem(0o100600), undefined);
    assert.equal(permissionProblem(0o100400), undefined);
  });

  test('a damaged file is an error, not a crash', async () => {
    const path = join(root, 'damaged.json');
    writeFileSync(path, '{not json', { mode: 0o600 });
    await assert.rejects(readCredentials(path), /not valid JSON/);
    writeFileSync(path, '[1]', { mode: 0o600 });
    await assert.rejects(readCredentials(path), /does not hold a JSON object/);
  });
});
