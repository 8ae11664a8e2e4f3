#!/usr/bin/env node
/**
 * The test command. Runs the database-independent unit tests once, then the server suite
 * twice: on SQLite and on PostgreSQL (TEST_DATABASE_URL, by default the local server). Each
 * server-suite run gets its own database or schema. When PostgreSQL is unreachable the second
 * run is skipped with a loud notice, unless CI=true, where that is a failure.
 *
 * It prints the count of each run and ends with one line: "N passed, N failed, N skipped".
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const isCI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Every `*.test.ts` below `dir`, outside installed or built files. */
const testFilesIn = (dir) =>
  readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith('.test.ts') && !/(^|\/)(node_modules|dist)\//.test(name))
    .map((name) => join(dir, name))
    .sort();
const unitFiles = testFilesIn('packages/credentials/src');
const serverFiles = testFilesIn('packages/server/src');
/** The clients (SDK, CLI, console…): every other workspace, tested against a real server on SQLite. */
const clientFiles = readdirSync('packages')
  .filter((name) => name !== 'credentials' && name !== 'server')
  .flatMap((name) => testFilesIn(join('packages', name)));

function runNodeTests(label, testFiles, env) {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...testFiles];
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => {
      const count = (name) => Number(new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
      resolve({ label, code, tests: count('tests'), passed: count('pass'), failed: count('fail'), skipped: count('skipped') + count('todo') });
    });
  });
}

async function postgresReachable() {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const runs = [];
runs.push(await runNodeTests('unit (credentials)', unitFiles, {}));
runs.push(await runNodeTests('server suite on SQLite', serverFiles, { TEST_DB: 'sqlite' }));

if (clientFiles.length > 0) runs.push(await runNodeTests('clients against a real server on SQLite', clientFiles, { TEST_DB: 'sqlite' }));

let postgresMissing = false;
if (await postgresReachable()) {
  runs.push(await runNodeTests('server suite on PostgreSQL', serverFiles, { TEST_DB: 'postgres', TEST_DATABASE_URL }));
} else {
  postgresMissing = true;
  const bar = '!'.repeat(78);
  process.stdout.write(
    `\n${bar}\n!! PostgreSQL is not reachable at TEST_DATABASE_URL (${TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//…@')}).\n` +
      `!! The PostgreSQL run of the server suite was ${isCI ? 'REQUIRED (CI=true) and is a FAILURE' : 'SKIPPED'}.\n${bar}\n\n`,
  );
}

process.stdout.write('\nTest runs:\n');
for (const run of runs) {
  process.stdout.write(`  ${run.label}: ${run.tests} tests, ${run.passed} passed, ${run.failed} failed, ${run.skipped} skipped (exit ${run.code})\n`);
}
const sqliteRun = runs.find((run) => run.label === 'server suite on SQLite');
const postgresRun = runs.find((run) => run.label === 'server suite on PostgreSQL');
let mismatch = false;
if (postgresRun && postgresRun.tests !== sqliteRun.tests) {
  mismatch = true;
  process.stdout.write(`  MISMATCH: SQLite ran ${sqliteRun.tests} tests, PostgreSQL ran ${postgresRun.tests}\n`);
}
const total = (key) => runs.reduce((sum, run) => sum + run[key], 0);
const failed = runs.some((run) => run.code !== 0 || run.failed > 0) || mismatch || (postgresMissing && isCI);
process.stdout.write(`\n${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped\n`);
process.exit(failed ? 1 : 0);
