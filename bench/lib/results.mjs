/** Small statistics and the results file every benchmark writes (bench/results/<name>.json). */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './processes.mjs';

/** Median (mean of the middle two for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The value at index floor(p/100 * n) of the sorted values (capped at the last), p in 0..100. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const round = (value, digits = 2) => Number(value.toFixed(digits));

/** `git rev-parse --short HEAD`, with `-dirty` when `git status --porcelain` is non-empty. */
export function commitId() {
  const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const sha = git('rev-parse', '--short', 'HEAD');
  return git('status', '--porcelain') === '' ? sha : `${sha}-dirty`;
}

/** Writes bench/results/<name>.json (overwriting it), two-space indented; returns the path. */
export function writeResults(name, results) {
  const dir = join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
