/**
 * History, range and index scans of a git repository.
 *
 * - `scanHistory`: every object in the object database, read once, straight from the packs and
 *   loose objects (object-store.ts): blobs reachable from any ref, stashes, reflog-only and
 *   dangling objects, and commit and tag messages. A delta is searched only where it adds
 *   bytes; the needles inside what it copies are carried over from its base (`deltaNeedles`).
 *   Blobs that hold a credential are then mapped to the commits and paths that introduced them
 *   from the commits and trees of the same store, each tree read once.
 * - `since`: only the objects reachable from HEAD and not from the base (for CI), listed and
 *   read by git; so is a store the direct reader does not support.
 * - `scanStaged`: the blobs in the index that differ from HEAD (for a pre-commit hook).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { BatchParser, type GitObject } from './batch-parser.js';
import { type Detection, detect, detectAt, findNeedles, LONGEST_NEEDLE, needlePosition, shiftNeedle } from './detect.js';
import type { ScanResult } from './files.js';
import { groupFindings, type Hit, type Location } from './findings.js';
import { type StoredObject, UnsupportedObjectStore, walkObjects } from './object-store.js';

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
 * Which commits introduced each of `blobs`, and under which path:
 * one pass of `git log --raw` (tree diffs only, no content diffs) over `range`. Merges are
 * diffed against their first parent, which is also what shows a stash's changes.
 */
async function introductions(repo: string, blobs: ReadonlySet<string>, range: string[]): Promise<Map<string, Introduction[]>> {
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
        if (!blobs.has(blob)) continue;
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
    // Earliest first; commits of the same second by id, so that every way of reading the store agrees.
    const sorted = [...entries].sort((a, b) => a.date.localeCompare(b.date) || a.commit.localeCompare(b.commit));
    const first = sorted[0] as Introduction;
    return { source: 'blob', object: blob, path, commit: first.commit, date: first.date, commits: [...new Set(sorted.map((e) => e.commit))] };
  });
}

export interface HistoryOptions {
  /** Scan only what is reachable from HEAD and not from this revision. */
  since?: string;
}

export async function scanHistory(repo: string, options: HistoryOptions = {}): Promise<ScanResult> {
  if (!options.since) {
    const objectsDir = await directObjectStore(repo);
    try {
      if (objectsDir) return scanObjectStore(objectsDir);
    } catch (error) {
      if (!(error instanceof UnsupportedObjectStore)) throw error;
    }
  }
  return scanThroughGit(repo, options.since);
}

/** What one history scan found: blobs that hold credentials, and commit or tag messages that do. */
class HistoryHits {
  readonly blobs = new Map<string, Detection[]>();
  readonly messages = new Map<string, Hit[]>();
  bytes = 0;
  objects = 0;

  add(type: string, oid: string, content: Buffer, detections: Detection[]): void {
    if (detections.length === 0) return;
    if (type === 'blob') {
      this.blobs.set(oid, detections);
      return;
    }
    const date = objectDate(content);
    const location = { source: 'commit-message', object: oid, commit: oid, ...(date ? { date } : {}) } as const;
    this.messages.set(
      oid,
      detections.map((detection) => ({ detection, location })),
    );
  }

  result(introduced: ReadonlyMap<string, Introduction[]>): ScanResult {
    const hits = [...this.messages.values()].flat();
    for (const [blob, detections] of this.blobs) {
      for (const location of blobLocations(blob, introduced.get(blob))) {
        for (const detection of detections) hits.push({ detection, location });
      }
    }
    return { findings: groupFindings(hits), bytes: this.bytes, objects: this.objects };
  }
}

/** The repository's object directory when the direct reader can read it (SHA-1 object ids). */
async function directObjectStore(repo: string): Promise<string | undefined> {
  const [objects, format] = (await gitText(repo, ['rev-parse', '--git-path', 'objects', '--show-object-format'])).split('\n');
  return objects && format === 'sha1' ? resolve(repo, objects) : undefined;
}

/**
 * A delta's needles: its base's needles inside what it copies, moved to where they land, and a
 * search of every other position. A needle lies wholly inside a copy exactly when it starts in
 * the copy's first `length - LONGEST_NEEDLE + 1` bytes or is a shorter needle near its end; the
 * latter are searched again, so only the former are carried, and nothing is found twice.
 */
function deltaNeedles(content: Buffer, copies: readonly number[], base: readonly number[]): number[] {
  const found: number[] = [];
  let searched = 0;
  for (let c = 0; c < copies.length; c += 3) {
    const [target, source, length] = [copies[c] as number, copies[c + 1] as number, copies[c + 2] as number];
    const covered = length - LONGEST_NEEDLE + 1;
    if (covered <= 0) continue;
    findNeedles(content, searched, target, found);
    for (const entry of base) {
      const at = needlePosition(entry);
      if (at >= source && at < source + covered) found.push(shiftNeedle(entry, target - source));
    }
    searched = target + covered;
  }
  return findNeedles(content, searched, content.length, found);
}

function scanObjectStore(objectsDir: string): ScanResult {
  const hits = new HistoryHits();
  walkObjects<readonly number[]>(objectsDir, new Set(['blob', 'commit', 'tag'] as const), (object, base) => {
    hits.objects++;
    hits.bytes += object.content.length;
    const needles = object.copies ? deltaNeedles(object.content, object.copies, base ?? []) : findNeedles(object.content);
    if (needles.length > 0) hits.add(object.type, object.oid.toString('hex'), object.content, detectAt(object.content, needles));
    return needles;
  });
  return hits.result(hits.blobs.size > 0 ? storeIntroductions(objectsDir, hits.blobs) : new Map());
}

/**
 * Which commits introduced each blob, under which path: a commit introduces the (path, blob)
 * pairs its tree holds and its first parent's does not (a root commit, all of them), as
 * `git log --raw --diff-merges=first-parent --root` lists them. Every commit in the store
 * counts, reachable or not. Each tree is read once: what a tree holds is remembered by its id.
 */
function storeIntroductions(objectsDir: string, blobs: ReadonlyMap<string, unknown>): Map<string, Introduction[]> {
  const wanted = new Set([...blobs.keys()].map((hex) => Buffer.from(hex, 'hex').toString('latin1')));
  // A blob entry is looked at closer only when its id's first four bytes are a wanted blob's.
  const wantedStarts = new Set([...blobs.keys()].map((hex) => Number.parseInt(hex.slice(0, 8), 16)));
  const trees = new Map<string, Buffer>();
  const commits: { oid: string; tree: string; parent: string | undefined; date: string }[] = [];
  walkObjects<undefined>(objectsDir, new Set(['commit', 'tree'] as const), (object: StoredObject) => {
    const { content } = object;
    if (object.type === 'tree') {
      trees.set(object.oid.toString('latin1'), Buffer.copyBytesFrom(content));
      return;
    }
    // `tree <hex>\n`, then `parent <hex>\n` for each parent, then the rest of the header.
    const hasParent = content.toString('latin1', 46, 53) === 'parent ';
    commits.push({
      oid: object.oid.toString('hex'),
      tree: Buffer.from(content.toString('latin1', 5, 45), 'hex').toString('latin1'),
      parent: hasParent ? Buffer.from(content.toString('latin1', 53, 93), 'hex').toString('latin1') : undefined,
      date: objectDate(content) ?? '',
    });
  });
  const treeOf = new Map(commits.map((commit) => [Buffer.from(commit.oid, 'hex').toString('latin1'), commit.tree]));

  // What a tree holds of the wanted blobs: its entries that are one, or a subtree that holds
  // some. One node per tree id, shared by every tree and commit that has it, so an unchanged
  // subtree is the very same node on both sides of a commit and is skipped without a look.
  interface Holding {
    entries: readonly (readonly [name: string, held: Holding | string])[];
  }
  const NONE: Holding = { entries: [] };
  const held = new Map<string, Holding>();
  const holds = (tree: string | undefined): Holding => {
    if (tree === undefined) return NONE;
    const known = held.get(tree);
    if (known) return known;
    const content = trees.get(tree);
    const entries: [string, Holding | string][] = [];
    // Entries: `<mode> <name>\0<20-byte id>`; a subtree's mode is `40000`.
    for (let p = 0; content && p < content.length; ) {
      let space = p;
      while (content[space] !== 0x20 && space < content.length) space++;
      let nul = space;
      while (content[nul] !== 0 && nul < content.length) nul++;
      if (space - p === 5 && content[p] === 0x34) {
        const below = holds(content.toString('latin1', nul + 1, nul + 21));
        if (below !== NONE) entries.push([content.toString('utf8', space + 1, nul), below]);
      } else if (wantedStarts.has(content.readUInt32BE(nul + 1))) {
        const id = content.toString('latin1', nul + 1, nul + 21);
        if (wanted.has(id)) entries.push([content.toString('utf8', space + 1, nul), id]);
      }
      p = nul + 21;
    }
    const result = entries.length > 0 ? { entries } : NONE;
    held.set(tree, result);
    return result;
  };
  /** The (path, blob) pairs `mine` holds and `theirs` does not. */
  const newIn = (mine: Holding, theirs: Holding | string | undefined, prefix: string, out: [string, string][]): void => {
    if (mine === theirs) return;
    const before = typeof theirs === 'object' ? theirs.entries : [];
    let byName: Map<string, Holding | string> | undefined;
    mine.entries.forEach(([name, entry], i) => {
      // Most entries sit at the same place on both sides, unchanged.
      const same = before[i];
      if (same?.[0] !== name) byName ??= new Map(before);
      const old = same?.[0] === name ? same[1] : byName?.get(name);
      if (entry === old) return;
      if (typeof entry === 'string') out.push([prefix + name, entry]);
      else newIn(entry, old, `${prefix}${name}/`, out);
    });
  };

  const introduced = new Map<string, Introduction[]>();
  for (const commit of commits) {
    const found: [string, string][] = [];
    newIn(holds(commit.tree), holds(commit.parent === undefined ? undefined : treeOf.get(commit.parent)), '', found);
    for (const [path, id] of found) {
      const blob = Buffer.from(id, 'latin1').toString('hex');
      introduced.set(blob, [...(introduced.get(blob) ?? []), { commit: commit.oid, date: commit.date, path }]);
    }
  }
  return introduced;
}

/** The `since` range, or a store the direct reader cannot read: objects listed and read by git. */
async function scanThroughGit(repo: string, since: string | undefined): Promise<ScanResult> {
  const hits = new HistoryHits();
  const range = since ? [`${since}..HEAD`] : ['--all', '--reflog'];
  const onObject = (object: GitObject) => {
    hits.objects++;
    hits.bytes += object.content.length;
    hits.add(object.type, object.oid, object.content, detect(object.content));
  };
  if (since) {
    const listed = await gitText(repo, ['rev-list', '--objects', '--no-object-names', ...range]);
    const oids = listed.split('\n').filter((line) => line !== '');
    if (oids.length > 0) await readObjects(repo, oids, onObject);
  } else {
    await readObjects(repo, undefined, onObject);
  }
  return hits.result(hits.blobs.size > 0 ? await introductions(repo, new Set(hits.blobs.keys()), range) : new Map());
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
