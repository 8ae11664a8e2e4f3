#!/usr/bin/env node
/**
 * `npm run bench:scan`: recall, precision and throughput of the scanner (@skytells/scanner),
 * in file mode and history mode, against two baselines measured in the same run on the same
 * data:
 * - history: `git log -p --all` piped through the regular expression `sk-[0-9A-Za-z]{32}`
 *   (how gitleaks-style scanners read history);
 * - files: `secretlint` (npm, recommended preset) over the same checked-out files.
 *
 * The repository is synthetic, built in a temporary folder with `git fast-import`: 20,000
 * commits over 1,000 source files of about 10 KB (each commit rewrites lines of one file, so
 * every commit adds a new 10 KB blob: 200 MB of history), and 240 planted credentials: every
 * 100th commit adds a file holding one real credential (API keys and PATs alternately), a
 * near-miss (the same with one character changed: bad checksum) and another vendor's `sk-`
 * key, in one of the supported encodings (plain, JSON string escape, percent-encoding, base64
 * of a line, notebook output); a third of those files are deleted again later (history only),
 * and every 500th commit message holds a key; the repository is then repacked (`git repack -a -d -f`),
 * as a clone receives it. Throughput is the history's size (every blob
 * version, uncompressed, and commit messages) or the files' size, divided by wall time.
 * Each scan and its baseline run in turn, BENCH_ROUNDS times (default 5); the figures are the
 * medians, the ratio the median of the rounds' ratios, and every round is kept in the results.
 *
 * BENCH_SCALE (default 1) shrinks the repository for a quick check of the script.
 * Results: bench/results/scan.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BASE62_ALPHABET, generateApiKey, generatePersonalAccessToken, randomString } from '../packages/credentials/dist/index.js';
import { scanFiles, scanHistory } from '../packages/scanner/dist/index.js';
import { ROOT, tempDir } from './lib/processes.mjs';
import { commitId, round, writeResults } from './lib/results.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** History mode's speed against `git log -p`, at least. */
const HISTORY_TARGET = 5;
const COMMITS = Math.round(20_000 * SCALE);
const FILES = Math.max(10, Math.round(1_000 * SCALE));
const LINES_PER_FILE = 200; // about 10 KB
const PLANT_EVERY = 100;
const MESSAGE_EVERY = 500;
const MiB = 1024 * 1024;

// A small deterministic generator for the filler, so every run builds the same text.
let seed = 0x2545f491;
const next = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const WORDS =
  'const let return value result request response handler config client server user account data items index count error message time retry await async function module export import default'.split(
    ' ',
  );
const word = () => WORDS[Math.floor(next() * WORDS.length)];
const codeLine = () =>
  `  ${word()} ${word()}_${Math.floor(next() * 1e6)} = ${word()}(${word()}, ${Math.floor(next() * 1e4)}); // ${word()} ${word()}`;

const HEX = '0123456789abcdef';
const oneCharacterChanged = (value, alphabet) => {
  const at = value.length - 1 - Math.floor(next() * 20);
  const replacement = alphabet[(alphabet.indexOf(value[at]) + 1) % alphabet.length];
  return value.slice(0, at) + replacement + value.slice(at + 1);
};
const VENDORS = [
  () => `sk-proj-${randomString(BASE62_ALPHABET, 48)}T3BlbkFJ${randomString(BASE62_ALPHABET, 20)}`,
  () => `sk-ant-api03-${randomString(BASE62_ALPHABET, 93)}-${randomString(BASE62_ALPHABET, 6)}AA`,
  () => `sk-${randomString(HEX, 32)}`,
  () => `sk-or-v1-${randomString(HEX, 64)}`,
  () => `sk-lf-${crypto.randomUUID()}`,
  () => `sk-${randomString(BASE62_ALPHABET, 32)}`,
];

const ENCODINGS = {
  plain: (value) => `export SKYTELLS_CREDENTIAL=${value}\n`,
  'json-escape': (value) => `${JSON.stringify({ env: `MODE=prod\n${value}\tend` })}\n`,
  percent: (value) => `GET /callback?token=${encodeURIComponent(value).replace(/-/g, '%2D').replace(/_/g, '%5F')}&x=1\n`,
  base64: (value) => `  secret: ${Buffer.from(`CREDENTIAL=${value}\n`).toString('base64')}\n`,
  notebook: (value) =>
    `${JSON.stringify({ cells: [{ cell_type: 'code', source: ['print(client.key)'], outputs: [{ output_type: 'stream', name: 'stdout', text: [`${value}\n`] }] }] }, null, 1)}\n`,
};
const ENCODING_NAMES = Object.keys(ENCODINGS);
const EXTENSION = { plain: 'sh', 'json-escape': 'json', percent: 'log', base64: 'yaml', notebook: 'ipynb' };

/** Writes the fast-import stream and returns the ground truth. */
function buildRepository(dir) {
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const importer = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((resolve, reject) => importer.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`fast-import ${code}`)))));
  const chunks = [];
  let pending = 0;
  const write = (text) => {
    chunks.push(typeof text === 'string' ? Buffer.from(text) : text);
    pending += chunks.at(-1).length;
  };
  const flush = async () => {
    if (pending === 0) return;
    const data = Buffer.concat(chunks.splice(0));
    pending = 0;
    if (!importer.stdin.write(data)) await new Promise((resolve) => importer.stdin.once('drain', resolve));
  };
  const truth = { history: new Set(), files: new Set(), byEncoding: {}, nearMisses: 0, vendors: 0 };
  let historyBytes = 0;
  const files = Array.from({ length: FILES }, () => Array.from({ length: LINES_PER_FILE }, codeLine));
  const blob = (content) => {
    const data = Buffer.from(content);
    historyBytes += data.length;
    return `data ${data.length}\n${data}\n`;
  };
  const planted = []; // {path, credential}
  return (async () => {
    for (let c = 0; c < COMMITS; c++) {
      const when = 1_700_000_000 + c * 600;
      let message = `change ${c}: ${word()} ${word()}\n`;
      if (c > 0 && c % MESSAGE_EVERY === 0) {
        const key = generateApiKey();
        truth.history.add(key);
        message += `\nused ${key} while debugging\n`;
      }
      historyBytes += Buffer.byteLength(message);
      let ops = '';
      if (c === 0) {
        for (let f = 0; f < FILES; f++) ops += `M 100644 inline src/m${f % 50}/file${f}.js\n${blob(`${files[f].join('\n')}\n`)}`;
      } else {
        const f = c % FILES;
        for (let k = 0; k < 3; k++) files[f][Math.floor(next() * LINES_PER_FILE)] = codeLine();
        ops += `M 100644 inline src/m${f % 50}/file${f}.js\n${blob(`${files[f].join('\n')}\n`)}`;
      }
      if (c > 0 && c % PLANT_EVERY === 0) {
        const n = c / PLANT_EVERY;
        const encoding = ENCODING_NAMES[n % ENCODING_NAMES.length];
        const real = n % 2 === 0 ? generateApiKey() : generatePersonalAccessToken();
        const nearMiss = real.startsWith('sk_pat_') ? oneCharacterChanged(real, HEX) : oneCharacterChanged(real, BASE62_ALPHABET);
        const vendor = VENDORS[n % VENDORS.length]();
        const path = `config/planted-${n}.${EXTENSION[encoding]}`;
        ops += `M 100644 inline ${path}\n${blob(`# settings\n${ENCODINGS[encoding](real)}${ENCODINGS[encoding](nearMiss)}${ENCODINGS[encoding](vendor)}`)}`;
        truth.history.add(real);
        truth.byEncoding[encoding] = (truth.byEncoding[encoding] ?? 0) + 1;
        truth.nearMisses++;
        truth.vendors++;
        planted.push({ path, credential: real, deleteAt: n % 3 === 0 ? c + 37 : Number.POSITIVE_INFINITY });
      }
      for (const p of planted) if (p.deleteAt === c) ops += `D ${p.path}\n`;
      write(`commit refs/heads/main\ncommitter Bench <bench@example.com> ${when} +0000\ndata ${Buffer.byteLength(message)}\n${message}${ops}\n`);
      if (pending > 4 * MiB) await flush();
    }
    await flush();
    importer.stdin.end();
    await done;
    for (const p of planted) if (p.deleteAt >= COMMITS) truth.files.add(p.credential);
    // Packed as a clone receives it. fast-import deltifies each blob against the one imported
    // just before it (another file), which no repository that was ever cloned or gc'd has.
    execFileSync('git', ['repack', '-a', '-d', '-f', '-q'], { cwd: dir });
    execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
    return { truth, historyBytes };
  })();
}

/** Recall and precision of what a scanner reported against the credentials planted. */
function score(found, truth) {
  const reported = new Set(found);
  let hits = 0;
  for (const value of reported) if (truth.has(value)) hits++;
  return {
    reported: reported.size,
    true_positives: hits,
    false_positives: reported.size - hits,
    recall: round(hits / truth.size, 4),
    precision: reported.size === 0 ? null : round(hits / reported.size, 4),
  };
}

async function timed(work) {
  const start = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - start) / 1000 };
}

/** `git log -p --all` through the regular expression, as a gitleaks-style scanner reads history. */
function gitLogBaseline(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['log', '-p', '--all'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const pattern = /sk-[0-9A-Za-z]{32}/g;
    const found = [];
    let carry = '';
    let bytes = 0;
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk) => {
      bytes += chunk.length;
      const text = carry + chunk;
      const cut = text.lastIndexOf('\n') + 1;
      for (const match of text.slice(0, cut).matchAll(pattern)) found.push(match[0]);
      carry = text.slice(cut);
    });
    child.on('error', reject);
    child.on('close', () => {
      for (const match of carry.matchAll(pattern)) found.push(match[0]);
      resolve({ found, bytes });
    });
  });
}

/** secretlint (recommended preset) over the checked-out files; its findings' matched strings. */
function secretlintBaseline(dir, configDir) {
  const config = join(configDir, '.secretlintrc.json');
  writeFileSync(config, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  return new Promise((resolve) => {
    const bin = join(ROOT, 'node_modules/.bin/secretlint');
    const child = spawn(bin, ['**/*', '--secretlintrc', config, '--format', 'json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.resume();
    child.on('close', () => {
      const found = [];
      try {
        for (const file of JSON.parse(output)) {
          const text = readFileSync(file.filePath, 'latin1');
          for (const message of file.messages) found.push(text.slice(message.range[0], message.range[1]));
        }
      } catch {}
      resolve({ found });
    });
  });
}

// Removed in `finally` (or kept with BENCH_KEEP=1, to look into).
const dir = mkdtempSync(join(tmpdir(), 'skytells-scan-bench-'));
const scratch = tempDir('skytells-scan-bench-config-');
try {
  process.stdout.write(`building the repository (${COMMITS} commits, ${FILES} files) with git fast-import…\n`);
  const built = await timed(() => buildRepository(dir));
  const { truth, historyBytes } = built.value;
  const fileCount = execFileSync('git', ['ls-files', '-z'], { cwd: dir, encoding: 'utf8' }).split('\0').filter(Boolean).length;
  process.stdout.write(`built in ${built.seconds.toFixed(1)} s: ${(historyBytes / MiB).toFixed(1)} MiB of history, ${truth.history.size} planted\n`);

  // Each tool against its baseline in turn, ROUNDS times, so that a slow moment of the machine
  // falls on both sides; the medians are reported, and every round's figures are kept.
  const historyRounds = [];
  const fileRounds = [];
  for (let r = 1; r <= ROUNDS; r++) {
    historyRounds.push({ scanner: await timed(() => scanHistory(dir)), baseline: await timed(() => gitLogBaseline(dir)) });
    fileRounds.push({ scanner: await timed(() => scanFiles(dir)), baseline: await timed(() => secretlintBaseline(dir, scratch)) });
    const [h, f] = [historyRounds.at(-1), fileRounds.at(-1)];
    process.stdout.write(
      `round ${r}: history ${h.scanner.seconds.toFixed(2)} s vs git log -p ${h.baseline.seconds.toFixed(2)} s (${(h.baseline.seconds / h.scanner.seconds).toFixed(2)}x); ` +
        `files ${f.scanner.seconds.toFixed(2)} s vs secretlint ${f.baseline.seconds.toFixed(2)} s (${(f.baseline.seconds / f.scanner.seconds).toFixed(2)}x)\n`,
    );
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const summary = (rounds) => ({
    scanner: median(rounds.map((r) => r.scanner.seconds)),
    baseline: median(rounds.map((r) => r.baseline.seconds)),
    ratio: median(rounds.map((r) => r.baseline.seconds / r.scanner.seconds)),
    rounds: rounds.map((r) => ({
      scanner_seconds: round(r.scanner.seconds, 3),
      baseline_seconds: round(r.baseline.seconds, 3),
      ratio: round(r.baseline.seconds / r.scanner.seconds, 2),
    })),
  });
  const [historyTimes, fileTimes] = [summary(historyRounds), summary(fileRounds)];
  // Every round reads the same data: its findings must be the same too (scored below from round 1).
  const sameFindings = (rounds) => new Set(rounds.map((r) => JSON.stringify(r.scanner.value.findings.map((f) => f.value).sort()))).size === 1;
  const [history, gitLog, files, secretlint] = [historyRounds[0].scanner, historyRounds[0].baseline, fileRounds[0].scanner, fileRounds[0].baseline];

  const mibps = (bytes, seconds) => round(bytes / MiB / seconds, 1);
  const results = {
    benchmark: 'scan',
    commit: commitId(),
    date: new Date().toISOString(),
    machine: {
      cpus: (await import('node:os')).cpus().length,
      node: process.version,
      git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
    },
    repository: {
      commits: COMMITS,
      files_in_checkout: fileCount,
      history_mib: round(historyBytes / MiB, 1),
      checkout_mib: round(files.value.bytes / MiB, 1),
      planted_in_history: truth.history.size,
      planted_in_checkout: truth.files.size,
      planted_by_encoding: truth.byEncoding,
      near_misses: truth.nearMisses,
      other_vendor_keys: truth.vendors,
      build_seconds: round(built.seconds, 1),
    },
    rounds: ROUNDS,
    history: {
      rounds: historyTimes.rounds,
      scanner: {
        seconds: round(historyTimes.scanner, 2),
        mib_per_s: mibps(historyBytes, historyTimes.scanner),
        ...score(
          history.value.findings.map((f) => f.value),
          truth.history,
        ),
      },
      git_log_p_regex: {
        seconds: round(historyTimes.baseline, 2),
        mib_per_s: mibps(historyBytes, historyTimes.baseline),
        patch_mib: round(gitLog.value.bytes / MiB, 1),
        ...score(gitLog.value.found, truth.history),
      },
    },
    files: {
      rounds: fileTimes.rounds,
      scanner: {
        seconds: round(fileTimes.scanner, 2),
        mib_per_s: mibps(files.value.bytes, fileTimes.scanner),
        ...score(
          files.value.findings.map((f) => f.value),
          truth.files,
        ),
      },
      secretlint: {
        seconds: round(fileTimes.baseline, 2),
        mib_per_s: mibps(files.value.bytes, fileTimes.baseline),
        ...score(secretlint.value.found, truth.files),
      },
    },
  };
  results.ratios = {
    history_speed_vs_git_log_p: round(historyTimes.ratio, 2),
    history_target: HISTORY_TARGET,
    files_speed_vs_secretlint: round(fileTimes.ratio, 2),
  };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  if (SCALE === 1) process.stdout.write(`wrote ${writeResults('scan', results)}\n`);
  const ok =
    results.history.scanner.recall === 1 &&
    results.history.scanner.false_positives === 0 &&
    results.files.scanner.recall === 1 &&
    results.files.scanner.false_positives === 0 &&
    sameFindings(historyRounds) &&
    sameFindings(fileRounds);
  process.stdout.write(
    `history: ${results.history.scanner.mib_per_s} MiB/s, ${results.ratios.history_speed_vs_git_log_p}x git log -p (median of ${ROUNDS} rounds; target ${HISTORY_TARGET}x: ${historyTimes.ratio >= HISTORY_TARGET ? 'met' : 'NOT met'}); files: ${results.files.scanner.mib_per_s} MiB/s, ${results.ratios.files_speed_vs_secretlint}x secretlint; recall and precision ${ok ? 'exact' : 'NOT exact'}\n`,
  );
  if (!ok) process.exitCode = 1;
} finally {
  if (process.env.BENCH_KEEP) process.stdout.write(`kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
}
