/**
 * History, range and index scans of a git repository.
 *
 * - `scanHistory`: every object in the object database, read once from one
 *   `git cat-file --batch-all-objects --batch --unordered` stream (pack order, so deltas are
 *   resolved cheaply): blobs reachable from any ref, stashes, reflog-only and dangling objects,
 *   and commit and tag messages. Blobs that hold a credential are mapped back to the commits
 *   and paths that introduced them by one `git log --raw` over all refs and reflogs, which runs
 *   beside the object stream.
 * - `since`: only the objects reachable from HEAD and not from the base (for CI).
 * - `scanStaged`: the blobs in the index that differ from HEAD (for a pre-commit hook).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BatchParser, type GitObject } from './batch-parser.js';
import { type Detection, detect, mayHoldCredential } from './detect.js';
import type { ScanResult } from './files.js';
import { groupFindings, type Hit, type Location } from './findings.js';

/** Runs git, handing its stdout to `consume`; rejects with git's own message on failure. */
function git(repo: string, args: string[], consume: (stdout: Readable) => Promise<void>, input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotePath=false', ...args], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    child.on('error', reject);
    const consumed = consume(child.stdout);
    child.stdin.on('error', () => {}); // git may exit before reading all of its input
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      consumed.then(() => (code === 0 ? resolve() : reject(new Error(`git ${args[0]} failed: ${stderr.trim() || `exit ${code}`}`))), reject);
    });
  });
}

async function gitText(repo: string, args: string[]): Promise<string> {
  let text = '';
  await git(repo, args, async (stdout) => {
    for await (const chunk of stdout) text += chunk;
  });
  return text;
}

/** Streams `git cat-file --batch` output for the given objects (all when `oids` is undefined) through `onObject`. */
async function readObjects(repo: string, oids: string[] | undefined, onObject: (object: GitObject) => void): Promise<void> {
  const parser = new BatchParser(new Set(['blob', 'commit', 'tag']), onObject);
  const args = oids ? ['cat-file', '--batch'] : ['cat-file', '--batch-all-objects', '--batch', '--unordered'];
  await git(
    repo,
    args,
    async (stdout) => {
      for await (const chunk of stdout) parser.push(chunk as Buffer);
    },
    oids ? `${oids.join('\n')}\n` : undefined,
  );
  if (!parser.complete) throw new Error('git cat-file: output ended inside an object');
}

/** The committer time of a commit or tag object, ISO 8601 UTC. */
function objectDate(content: Buffer): string | undefined {
  const header = content.toString('latin1', 0, Math.min(content.length, 4096));
  const match = /^(?:committer|tagger) .* (\d+) [+-]\d{4}$/m.exec(header);
  return match ? new Date(Number(match[1]) * 1000).toISOString() : undefined;
}

interface Introduction {
  commit: string;
  date: string;
  path: string;
}

/**
 * Which commits introduced each of `blobs` (every blob when undefined), and under which path:
 * one pass of `git log --raw` (tree diffs only, no content diffs) over `range`. Merges are
 * diffed against their first parent, which is also what shows a stash's changes.
 */
async function introductions(repo: string, blobs: ReadonlySet<string> | undefined, range: string[]): Promise<Map<string, Introduction[]>> {
  const found = new Map<string, Introduction[]>();
  const args = ['log', ...range, '--raw', '--no-abbrev', '--no-renames', '--root', '--diff-merges=first-parent', '--format=%x01%H %ct'];
  await git(repo, args, async (stdout) => {
    let commit = '';
    let date = '';
    for await (const line of createInterface({ input: stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line.startsWith('\u0001')) {
        const [hash, time] = line.slice(1).split(' ');
        commit = hash ?? '';
        date = new Date(Number(time) * 1000).toISOString();
      } else if (line.startsWith(':')) {
        // :<mode> <mode> <old> <new> <status>\t<path>
        const tab = line.indexOf('\t');
        const fields = line.slice(0, tab).split(' ');
        const blob = fields[3] ?? '';
        if (blobs !== undefined && !blobs.has(blob)) continue;
        const list = found.get(blob) ?? [];
        list.push({ commit, date, path: line.slice(tab + 1) });
        found.set(blob, list);
      }
    }
  });
  return found;
}

/** One location per path that introduced the blob, dated by its earliest commit. */
function blobLocations(blob: string, intro: readonly Introduction[] | undefined): Omit<Location, 'encoding' | 'line'>[] {
  if (!intro || intro.length === 0) return [{ source: 'blob', object: blob }];
  const byPath = new Map<string, Introduction[]>();
  for (const entry of intro) byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), entry]);
  return [...byPath].map(([path, entries]) => {
    const sorted = [...entries].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const first = sorted[0] as Introduction;
    return { source: 'blob', object: blob, path, commit: first.commit, date: first.date, commits: [...new Set(sorted.map((e) => e.commit))] };
  });
}

export interface HistoryOptions {
  /** Scan only what is reachable from HEAD and not from this revision. */
  since?: string;
}

export async function scanHistory(repo: string, options: HistoryOptions = {}): Promise<ScanResult> {
  const blobHits = new Map<string, Detection[]>();
  const hits: Hit[] = [];
  let bytes = 0;
  let objects = 0;
  const range = options.since ? [`${options.since}..HEAD`] : ['--all', '--reflog'];
  // The walk that maps blobs to commits starts at the first blob found, and runs beside the
  // rest of the object stream (another process, another core); a clean repository needs none.
  let mapping: Promise<Map<string, Introduction[]>> | undefined;
  const found = (object: GitObject, detections: Detection[]) => {
    if (detections.length === 0) return;
    if (object.type === 'blob') {
      blobHits.set(object.oid, detections);
      if (!options.since && !mapping) {
        mapping = introductions(repo, undefined, range);
        mapping.catch(() => {}); // awaited below; an early failure must not go unhandled meanwhile
      }
      return;
    }
    const date = objectDate(object.content);
    for (const detection of detections) {
      hits.push({ detection, location: { source: 'commit-message', object: object.oid, commit: object.oid, ...(date ? { date } : {}) } });
    }
  };
  const onObject = (object: GitObject) => {
    objects++;
    bytes += object.content.length;
    if (mayHoldCredential(object.content)) found(object, detect(object.content));
  };
  if (options.since) {
    const listed = await gitText(repo, ['rev-list', '--objects', '--no-object-names', ...range]);
    const oids = listed.split('\n').filter((line) => line !== '');
    if (oids.length > 0) await readObjects(repo, oids, onObject);
  } else {
    await readObjects(repo, undefined, onObject);
  }
  if (blobHits.size > 0) {
    const intro = (await mapping) ?? (await introductions(repo, new Set(blobHits.keys()), range));
    for (const [blob, detections] of blobHits) {
      for (const location of blobLocations(blob, intro.get(blob))) {
        for (const detection of detections) hits.push({ detection, location });
      }
    }
  }
  return { findings: groupFindings(hits), bytes, objects };
}

/** The index's new and changed blobs (against HEAD), with their paths. */
export async function scanStaged(repo: string): Promise<ScanResult> {
  const raw = await gitText(repo, ['diff', '--cached', '--raw', '-z', '--no-abbrev', '--no-renames', '--diff-filter=d']);
  const fields = raw.split('\0');
  const paths = new Map<string, string[]>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const blob = (fields[i] ?? '').split(' ')[3];
    if (blob && !/^0+$/.test(blob)) paths.set(blob, [...(paths.get(blob) ?? []), fields[i + 1] ?? '']);
  }
  const hits: Hit[] = [];
  let bytes = 0;
  if (paths.size > 0) {
    await readObjects(repo, [...paths.keys()], (object) => {
      bytes += object.content.length;
      if (!mayHoldCredential(object.content)) return;
      for (const detection of detect(object.content)) {
        for (const path of paths.get(object.oid) ?? []) hits.push({ detection, location: { source: 'staged', object: object.oid, path } });
      }
    });
  }
  return { findings: groupFindings(hits), bytes, objects: paths.size };
}

/** The work tree's top folder when `dir` is inside one, else undefined. */
export async function workTreeOf(dir: string): Promise<string | undefined> {
  try {
    return (await gitText(dir, ['rev-parse', '--show-toplevel'])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Tracked and untracked-but-not-ignored files below `dir`, relative to it (git's own .gitignore rules). */
export async function listFiles(dir: string): Promise<string[]> {
  const listed = await gitText(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate']);
  return listed.split('\0').filter((name) => name !== '');
}
