#!/usr/bin/env node
/**
 * Builds the console (vite build) when dist/ is missing or older than any of its sources, so
 * `npm start` on a fresh clone serves it and a rebuild is skipped when nothing changed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'index.html');

/** The newest modification time under `path` (a file or a directory). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

// The audit page bundles the server's list of event types.
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', '../server/src/audit/event-types.ts'].map((name) => join(root, name));
const sourceTime = Math.max(...sources.filter(existsSync).map(newest));
if (existsSync(built) && statSync(built).mtimeMs >= sourceTime) {
  process.stdout.write('console: build is up to date\n');
} else {
  process.stdout.write('console: building (vite build)\n');
  // vite's own bin, found the way Node finds the package (hoisted to the root node_modules).
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
