/**
 * Files mode: every file below a folder that `.gitignore` does not exclude (git's own listing
 * inside a work tree, the `ignore` library's reading of the `.gitignore` files elsewhere),
 * binaries skipped, read many at a time, large files streamed in overlapping windows.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { type Detection, detect } from './detect.js';
import { type Finding, groupFindings, type Hit } from './findings.js';
import { listFiles, workTreeOf } from './git.js';

export interface ScanResult {
  findings: Finding[];
  /** Bytes read and objects (files or git objects) looked at. */
  bytes: number;
  objects: number;
}

/** Files above this size are streamed rather than read whole. */
const STREAM_ABOVE = 16 * 1024 * 1024;
const WINDOW = 4 * 1024 * 1024;
/** Bytes a window repeats from the one before: more than any encoded credential spans. */
const OVERLAP = 4096;
const CONCURRENCY = 16;

/** Git's rule: a NUL byte in the first 8000 bytes makes a file binary. */
export const isBinary = (head: Buffer): boolean => head.subarray(0, 8000).includes(0);

async function isBinaryFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8000);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return isBinary(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Detections in a large file, read in windows that overlap so no credential is cut in two. */
async function detectStreamed(path: string): Promise<Detection[]> {
  const found = new Map<string, Detection>();
  let tail = Buffer.alloc(0);
  let base = 0; // file offset of the window's first byte
  let linesBefore = 0; // newlines before `base`
  for await (const chunk of createReadStream(path, { highWaterMark: WINDOW })) {
    const window = tail.length > 0 ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    for (const detection of detect(window)) {
      const offset = base + detection.offset;
      found.set(`${offset}:${detection.value}`, { ...detection, offset, line: linesBefore + detection.line });
    }
    const keep = Math.min(OVERLAP, window.length);
    const consumed = window.subarray(0, window.length - keep);
    for (let nl = consumed.indexOf(10); nl !== -1; nl = consumed.indexOf(10, nl + 1)) linesBefore++;
    base += consumed.length;
    tail = Buffer.from(window.subarray(window.length - keep));
  }
  return [...found.values()].sort((a, b) => a.offset - b.offset);
}

async function detectInFile(path: string, size: number): Promise<Detection[]> {
  if (size === 0 || (await isBinaryFile(path))) return [];
  if (size > STREAM_ABOVE) return detectStreamed(path);
  const content = await readFile(path);
  return detect(content);
}

/** Walks `root` outside a git work tree, honouring every `.gitignore` on the way down. */
async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  const visit = async (dir: string, rules: { base: string; ig: Ignore }[]) => {
    const here = [...rules];
    const gitignore = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => undefined);
    if (gitignore !== undefined) here.push({ base: dir, ig: ignore().add(gitignore) });
    const ignored = (path: string, isDir: boolean) =>
      here.some(({ base, ig }) => ig.ignores(relative(base, path).split(sep).join('/') + (isDir ? '/' : '')));
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.name === '.git' || ignored(path, entry.isDirectory())) continue;
      if (entry.isDirectory()) await visit(path, here);
      else if (entry.isFile()) files.push(relative(root, path));
    }
  };
  await visit(root, []);
  return files;
}

/** Runs `work` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function scanFiles(root: string): Promise<ScanResult> {
  const inWorkTree = (await workTreeOf(root)) !== undefined;
  const names = inWorkTree ? await listFiles(root) : await walk(root);
  const hits: Hit[] = [];
  let bytes = 0;
  let objects = 0;
  await eachLimited(names, CONCURRENCY, async (name) => {
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined); // listed by git but deleted since
    if (!info?.isFile()) return;
    objects++;
    bytes += info.size;
    for (const detection of await detectInFile(path, info.size)) {
      hits.push({ detection, location: { source: 'file', path: name.split(sep).join('/') } });
    }
  });
  return { findings: groupFindings(hits), bytes, objects };
}
