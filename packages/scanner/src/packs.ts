/**
 * The fast path of a history scan: git's pack files read directly, so each byte of history is
 * inflated and searched about once, not once per version it survives in.
 *
 * In a pack most objects are deltas: copies of ranges of a base object plus inserted bytes.
 * A delta's object is rebuilt (to keep it as a base for others), but only the neighbourhood of
 * what it inserts, and of each seam where it joins copies from different places of its base, is
 * searched. Invariant (by induction along each delta chain down to a whole object, which is
 * searched whole): any credential in an object either lies within `REACH` bytes of an insert or
 * a seam of its delta, where it is searched for, or lies whole inside one copied range, so it
 * was found in the base, and the base's finding is carried over to this object at the copied
 * position. So every object that holds a credential gets the finding, older versions included.
 *
 * Anything this reader does not handle (another index version, SHA-256 repositories, a delta
 * whose base is in no pack here) makes it return `undefined`, and the caller reads every object
 * through `git cat-file` instead.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { GitObject } from './batch-parser.js';
import { type Detection, detect, mayHoldCredential } from './detect.js';

/** More than the longest encoded credential (a PAT in JSON `\u` escapes is 426 bytes). */
const REACH = 512;
/** Rebuilt objects kept as bases, by total size. */
const CACHE_BYTES = 128 * 1024 * 1024;

const TYPES = ['', 'commit', 'tree', 'blob', 'tag', '', 'ofs_delta', 'ref_delta'] as const;

interface Entry {
  oid: string;
  offset: number;
  end: number;
}

export interface PackObject extends GitObject {
  /** Credentials in the object; offsets (and so lines) within it. */
  detections: Detection[];
}

interface Header {
  type: string;
  /** Inflated size of the object's data (for a delta: of the delta). */
  size: number;
  dataAt: number;
  baseOffset?: number;
  baseOid?: string;
}

interface Resolved {
  type: string;
  content: Buffer;
  detections: Detection[];
}

/** Reads an index (version 2) into entries sorted by offset, each with where its data ends. */
function readIndex(idx: Buffer, packLength: number): Entry[] | undefined {
  if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) return undefined;
  const count = idx.readUInt32BE(8 + 255 * 4);
  const names = 8 + 256 * 4;
  const offsets = names + count * 20 + count * 4;
  const large = offsets + count * 4;
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    let offset = idx.readUInt32BE(offsets + i * 4);
    if (offset & 0x80000000) offset = Number(idx.readBigUInt64BE(large + (offset & 0x7fffffff) * 8));
    entries.push({ oid: idx.toString('hex', names + i * 20, names + i * 20 + 20), offset, end: 0 });
  }
  entries.sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < entries.length; i++) (entries[i] as Entry).end = entries[i + 1]?.offset ?? packLength - 20;
  return entries;
}

/** Applies a delta to its base, noting the target ranges that must be searched. */
function applyDelta(base: Buffer, delta: Buffer): { target: Buffer; searched: [number, number][]; copies: [number, number, number][] } {
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = delta[at++] as number;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  varint(); // base size
  const target = Buffer.allocUnsafe(varint());
  const searched: [number, number][] = [];
  const copies: [number, number, number][] = []; // [target start, base start, length]
  let out = 0;
  let lastSourceEnd = -1;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[at++] as number) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) size += (delta[at++] as number) * 2 ** (8 * bit);
      if (size === 0) size = 0x10000;
      base.copy(target, out, offset, offset + size);
      // A seam between copies from different places of the base can join text anew.
      if (offset !== lastSourceEnd) searched.push([out - REACH, out + REACH]);
      copies.push([out, offset, size]);
      lastSourceEnd = offset + size;
      out += size;
    } else if (op !== 0) {
      delta.copy(target, out, at, at + op);
      searched.push([out - REACH, out + op + REACH]);
      at += op;
      out += op;
      lastSourceEnd = -1;
    } else {
      throw new Error('pack: reserved delta instruction');
    }
  }
  return { target, searched, copies };
}

/** Searches the ranges (merged, clamped) of `content`; detections keep object offsets. */
function detectIn(content: Buffer, ranges: [number, number][]): Detection[] {
  const merged: [number, number][] = [];
  for (const [start, end] of ranges.map(([s, e]) => [Math.max(0, s), Math.min(content.length, e)] as [number, number]).sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else if (start < end) merged.push([start, end]);
  }
  const found: Detection[] = [];
  for (const [start, end] of merged) {
    const window = content.subarray(start, end);
    if (mayHoldCredential(window)) for (const d of detect(window)) found.push({ ...d, offset: d.offset + start });
  }
  return found;
}

class Pack {
  readonly byOffset = new Map<number, Entry>();
  readonly byOid = new Map<string, Entry>();
  readonly #types = new Map<number, string>();
  readonly #detections = new Map<number, Detection[]>();
  readonly #cache = new Map<number, Buffer>();
  #cached = 0;

  constructor(
    readonly data: Buffer,
    readonly entries: Entry[],
  ) {
    for (const entry of entries) {
      this.byOffset.set(entry.offset, entry);
      this.byOid.set(entry.oid, entry);
    }
  }

  #header(offset: number): Header {
    let at = offset;
    let byte = this.data[at++] as number;
    const type = TYPES[(byte >> 4) & 7] ?? '';
    let size = byte & 0x0f;
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = this.data[at++] as number;
      size += (byte & 0x7f) * 2 ** shift;
    }
    if (type === 'ofs_delta') {
      byte = this.data[at++] as number;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = this.data[at++] as number;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      return { type, size, dataAt: at, baseOffset: offset - distance };
    }
    if (type === 'ref_delta') return { type, size, dataAt: at + 20, baseOid: this.data.toString('hex', at, at + 20) };
    return { type, size, dataAt: at };
  }

  #baseOf(header: Header): number {
    const base = header.baseOffset ?? (header.baseOid === undefined ? undefined : this.byOid.get(header.baseOid)?.offset);
    if (base === undefined || !this.byOffset.has(base)) throw new MissingBase();
    return base;
  }

  /** The object's real type, following its delta chain by headers alone. */
  typeAt(offset: number): string {
    const known = this.#types.get(offset);
    if (known !== undefined) return known;
    const header = this.#header(offset);
    const type = header.type.endsWith('_delta') ? this.typeAt(this.#baseOf(header)) : header.type;
    this.#types.set(offset, type);
    return type;
  }

  #remember(offset: number, content: Buffer): void {
    if (content.length > CACHE_BYTES / 4) return;
    this.#cache.set(offset, content);
    this.#cached += content.length;
    for (const [old, buffer] of this.#cache) {
      if (this.#cached <= CACHE_BYTES) break;
      this.#cache.delete(old);
      this.#cached -= buffer.length;
    }
  }

  /** Rebuilds the object at `offset` and finds its credentials (memoized), as the header explains. */
  resolve(offset: number): Resolved {
    const entry = this.byOffset.get(offset) as Entry;
    const header = this.#header(offset);
    const type = this.typeAt(offset);
    const cached = this.#cache.get(offset);
    const memo = this.#detections.get(offset);
    if (cached && memo) {
      // Recently used: move to the end of the eviction order.
      this.#cache.delete(offset);
      this.#cache.set(offset, cached);
      return { type, content: cached, detections: memo };
    }
    // One output buffer of the size the header gives: no growing and joining of chunks.
    const raw = inflateSync(this.data.subarray(header.dataAt, entry.end), { chunkSize: Math.max(64, header.size + 1) });
    let content: Buffer;
    let detections: Detection[];
    if (!header.type.endsWith('_delta')) {
      content = raw;
      detections = memo ?? (mayHoldCredential(content) ? detect(content) : []);
    } else {
      const base = this.resolve(this.#baseOf(header));
      const applied = applyDelta(base.content, raw);
      content = applied.target;
      detections = memo ?? this.#deltaDetections(content, applied, base.detections);
    }
    this.#detections.set(offset, detections);
    this.#remember(offset, content);
    return { type, content, detections };
  }

  #deltaDetections(content: Buffer, applied: ReturnType<typeof applyDelta>, inBase: Detection[]): Detection[] {
    const found = detectIn(content, applied.searched);
    // Findings of the base inside one copied range are in this object too, moved.
    for (const detection of inBase) {
      for (const [targetStart, baseStart, length] of applied.copies) {
        if (detection.offset >= baseStart && detection.offset + detection.value.length <= baseStart + length) {
          found.push({ ...detection, offset: detection.offset - baseStart + targetStart });
        }
      }
    }
    const unique = new Map(found.map((d) => [`${d.offset}:${d.value}`, d]));
    return withLines(content, [...unique.values()].sort((a, b) => a.offset - b.offset));
  }
}

class MissingBase extends Error {}

function withLines(content: Buffer, detections: Detection[]): Detection[] {
  let line = 1;
  let counted = 0;
  return detections.map((detection) => {
    for (let nl = content.indexOf(10, counted); nl !== -1 && nl < detection.offset; nl = content.indexOf(10, nl + 1)) {
      line++;
      counted = nl + 1;
    }
    return { ...detection, line };
  });
}

/**
 * Every blob, commit and tag in the repository's packs (`onObject` gets those holding a
 * credential, with their findings), and the ids of all packed objects. Undefined when the
 * packs cannot be read this way.
 */
export async function scanPacks(gitDir: string, onObject: (object: PackObject) => void): Promise<{ packed: Set<string>; bytes: number } | undefined> {
  const packDir = join(gitDir, 'objects', 'pack');
  const names = (await readdir(packDir).catch(() => [] as string[])).filter((name) => name.endsWith('.idx'));
  const packed = new Set<string>();
  let bytes = 0;
  try {
    for (const name of names) {
      const data = await readFile(join(packDir, name.replace(/\.idx$/, '.pack')));
      const entries = readIndex(await readFile(join(packDir, name)), data.length);
      if (!entries) return undefined;
      const pack = new Pack(data, entries);
      for (const entry of entries) {
        if (packed.has(entry.oid)) continue;
        packed.add(entry.oid);
        const type = pack.typeAt(entry.offset);
        if (type !== 'blob' && type !== 'commit' && type !== 'tag') continue;
        const resolved = pack.resolve(entry.offset);
        bytes += resolved.content.length;
        if (resolved.detections.length > 0) onObject({ oid: entry.oid, type, content: resolved.content, detections: resolved.detections });
      }
    }
  } catch (error) {
    if (error instanceof MissingBase) return undefined;
    throw error;
  }
  return { packed, bytes };
}

/** Loose objects: `objects/xx/yyyy…` files. */
export async function looseObjects(gitDir: string): Promise<string[]> {
  const objects = join(gitDir, 'objects');
  const oids: string[] = [];
  for (const dir of await readdir(objects)) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const file of await readdir(join(objects, dir))) if (/^[0-9a-f]{38}$/.test(file)) oids.push(dir + file);
  }
  return oids;
}
