/**
 * A git object database read directly: packs (`objects/pack/*.idx` v2 beside `*.pack` v2/v3),
 * loose objects, and the object stores of `objects/info/alternates`.
 *
 * Model: every stored object is an entry. A packed entry is whole, or a delta that copies
 * ranges of a base entry and inserts new bytes. Deltas and their bases form a forest; walking
 * each tree depth-first from its whole root resolves every delta exactly once, with only the
 * chain from the root in memory (as `git index-pack` does). A delta has its base's type, so the
 * objects of an unwanted type (trees, say) are skipped whole subtree at a time, never inflated.
 *
 * Each object is handed over with its delta's copies, so a scanner can search only the bytes
 * the delta adds and carry what it found in the base (`walkObjects`'s `inherited`). That is why
 * this reads the store itself instead of `git cat-file --batch-all-objects`, which pipes every
 * object's full content (248 MiB for a repository whose pack is 16 MiB) and leaves nothing to
 * tell old bytes from new.
 *
 * Anything this reader does not know (SHA-256 repositories, a pack index v1, a pack over 2 GiB,
 * a delta whose base lives in another pack) raises `UnsupportedObjectStore`, and the caller reads
 * the repository through git instead. A damaged pack raises an ordinary error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import zlib from 'node:zlib';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';
const TYPES: readonly (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag'];
const OFS_DELTA = 6;
const REF_DELTA = 7;
const OID_BYTES = 20;

export class UnsupportedObjectStore extends Error {}

export interface StoredObject {
  /** The object id (binary). */
  oid: Buffer;
  type: ObjectType;
  /** Valid only during the visit: the walk reuses its memory (copy what you keep). */
  content: Buffer;
  /**
   * For an object stored as a delta, what it copies from its base: `[targetStart, sourceStart,
   * length]` triples. Every byte of `content` outside them is new in this object.
   */
  copies?: readonly number[];
}

/**
 * Calls `visit` once for every stored object of a `wanted` type, each delta after its base.
 * `inherited` is what `visit` returned for the delta's base (undefined for a whole object), so
 * knowledge about a base flows to the objects built from it.
 */
export function walkObjects<T>(
  objectsDir: string,
  wanted: ReadonlySet<ObjectType>,
  visit: (object: StoredObject, inherited: T | undefined) => T,
): void {
  for (const dir of objectDirectories(objectsDir)) {
    const packDir = join(dir, 'pack');
    const indexes = existsSync(packDir) ? readdirSync(packDir).filter((name) => name.endsWith('.idx')) : [];
    for (const name of indexes) {
      const pack = join(packDir, `${name.slice(0, -'.idx'.length)}.pack`);
      if (existsSync(pack)) walkPack(join(packDir, name), pack, wanted, visit);
    }
    walkLoose(dir, wanted, visit);
  }
}

/** The store and its alternates, each once. */
function objectDirectories(objectsDir: string, seen = new Set<string>()): string[] {
  const dir = resolve(objectsDir);
  if (seen.has(dir) || !existsSync(dir)) return [];
  seen.add(dir);
  const alternates = join(dir, 'info', 'alternates');
  const more = existsSync(alternates)
    ? readFileSync(alternates, 'utf8')
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .flatMap((line) => objectDirectories(isAbsolute(line) ? line : join(dir, line), seen))
    : [];
  return [dir, ...more];
}

function walkLoose<T>(dir: string, wanted: ReadonlySet<ObjectType>, visit: (object: StoredObject, inherited: T | undefined) => T): void {
  for (const fanout of readdirSync(dir)) {
    if (!/^[0-9a-f]{2}$/.test(fanout)) continue;
    for (const rest of readdirSync(join(dir, fanout))) {
      if (!/^[0-9a-f]{38}$/.test(rest)) continue;
      const raw = zlib.inflateSync(readFileSync(join(dir, fanout, rest)));
      const space = raw.indexOf(0x20);
      const nul = raw.indexOf(0, space);
      const type = raw.toString('latin1', 0, space) as ObjectType;
      if (space === -1 || nul === -1 || !TYPES.includes(type)) throw new Error(`damaged loose object ${fanout}${rest}`);
      if (wanted.has(type)) visit({ oid: Buffer.from(fanout + rest, 'hex'), type, content: raw.subarray(nul + 1) }, undefined);
    }
  }
}

/**
 * One zlib stream reused for every packed object. `zlib.inflateSync` builds a new stream per
 * call, about 8 µs: for 100,000 small objects that is most of a history scan. Node has no public
 * reusable synchronous inflate, so this drives the stream's handle the way `zlib.inflateSync`
 * does internally; on a Node release without that handle, each object gets `zlib.inflateSync`.
 */
class Inflater {
  readonly #engine = zlib.createInflate() as zlib.Inflate & {
    _handle?: {
      reset(): void;
      writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
      onerror: (message: string) => void;
    };
    _writeState?: Uint32Array;
  };
  #failure: string | undefined;

  constructor() {
    if (this.#engine._handle) {
      // Our own error handler: the stream's would destroy it; here a bad object only throws.
      this.#engine._handle.onerror = (message) => {
        this.#failure = message;
      };
    }
  }

  /** Inflates `input[start, end)` into `out`; throws unless it fills `out` exactly. */
  inflate(input: Buffer, start: number, end: number, out: Buffer): Buffer {
    const handle = this.#engine._handle;
    const state = this.#engine._writeState;
    if (typeof handle?.writeSync !== 'function' || !state) {
      const inflated = zlib.inflateSync(input.subarray(start, end));
      if (inflated.length !== out.length) throw new Error('damaged pack: an object inflates to the wrong size');
      inflated.copy(out);
      return out;
    }
    this.#failure = undefined;
    handle.reset();
    handle.writeSync(zlib.constants.Z_FINISH, input, start, end - start, out, 0, out.length);
    // Complete only when the output is full and the stream ended exactly where the entry does.
    if (this.#failure !== undefined || state[0] !== 0 || state[1] !== 0) {
      throw new Error(`damaged pack: ${this.#failure ?? 'an object inflates to the wrong size'}`);
    }
    return out;
  }
}

/** A little-endian base-128 number, as deltas write sizes. */
function varint(data: Buffer, at: { p: number }): number {
  let value = 0;
  let shift = 1;
  let byte: number;
  do {
    byte = data[at.p++] as number;
    value += (byte & 0x7f) * shift;
    shift *= 128;
  } while (byte & 0x80);
  return value;
}

/** The size of the target a delta builds. */
function targetSize(delta: Buffer): number {
  const at = { p: 0 };
  varint(delta, at);
  return varint(delta, at);
}

/**
 * Builds `delta`'s target from `base` into `content` (its size, from `targetSize`) and returns
 * its copies (see `StoredObject.copies`). Plain typed-array copies: `Buffer#copy` costs about a
 * microsecond a call in argument checks, and a delta has a dozen of them.
 */
function applyDelta(base: Buffer, delta: Buffer, content: Buffer): number[] {
  // Plain views, so that `subarray` below makes no Buffer objects.
  const source = new Uint8Array(base.buffer, base.byteOffset, base.length);
  const bytes = new Uint8Array(delta.buffer, delta.byteOffset, delta.length);
  const at = { p: 0 };
  if (varint(delta, at) !== base.length) throw new Error('damaged pack: a delta does not fit its base');
  varint(delta, at);
  const copies: number[] = [];
  let out = 0;
  let p = at.p;
  while (p < delta.length) {
    const op = delta[p++] as number;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++) if (op & (1 << bit)) offset += (delta[p++] as number) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++) if (op & (0x10 << bit)) length += (delta[p++] as number) << (8 * bit);
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || out + length > content.length) throw new Error('damaged pack: a delta copies out of range');
      content.set(source.subarray(offset, offset + length), out);
      copies.push(out, offset, length);
      out += length;
    } else if (op !== 0) {
      if (p + op > delta.length || out + op > content.length) throw new Error('damaged pack: a delta inserts out of range');
      content.set(bytes.subarray(p, p + op), out);
      p += op;
      out += op;
    } else {
      throw new Error('damaged pack: a delta holds a reserved instruction');
    }
  }
  if (out !== content.length) throw new Error('damaged pack: a delta leaves its target short');
  return copies;
}

function walkPack<T>(
  indexPath: string,
  packPath: string,
  wanted: ReadonlySet<ObjectType>,
  visit: (object: StoredObject, inherited: T | undefined) => T,
): void {
  const index = readFileSync(indexPath);
  if (index.readUInt32BE(0) !== 0xff744f63 || index.readUInt32BE(4) !== 2) throw new UnsupportedObjectStore('pack index is not version 2');
  const count = index.readUInt32BE(8 + 255 * 4);
  const oidsAt = 8 + 256 * 4;
  const offsetsAt = oidsAt + count * (OID_BYTES + 4);
  const largeOffsetsAt = offsetsAt + count * 4;
  let pack: Buffer;
  try {
    pack = readFileSync(packPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_FS_FILE_TOO_LARGE') throw new UnsupportedObjectStore('pack over 2 GiB');
    throw error;
  }
  const version = pack.readUInt32BE(4);
  if (pack.toString('latin1', 0, 4) !== 'PACK' || (version !== 2 && version !== 3) || pack.readUInt32BE(8) !== count) {
    throw new Error(`damaged pack ${packPath}`);
  }

  // Entries in pack order (k): `sortedOffsets[k]` is where the k-th starts, and `byOffset[k]`
  // its position in the index (oid order).
  const offsets = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const small = index.readUInt32BE(offsetsAt + i * 4);
    offsets[i] = small & 0x80000000 ? Number(index.readBigUInt64BE(largeOffsetsAt + (small & 0x7fffffff) * 8)) : small;
  }
  // A typed array's own sort, numeric and without a comparator, is several times faster.
  const sortedOffsets = Float64Array.from(offsets).sort();
  for (let k = 1; k < count; k++) {
    if (sortedOffsets[k] === sortedOffsets[k - 1]) throw new Error(`damaged pack index ${indexPath}: two entries at one offset`);
  }
  const entryAt = (offset: number): number => {
    let low = 0;
    let high = count - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = sortedOffsets[mid] as number;
      if (value === offset) return mid;
      if (value < offset) low = mid + 1;
      else high = mid - 1;
    }
    throw new Error(`damaged pack: no entry at offset ${offset}`);
  };
  const entryOf = (oid: Buffer): number => {
    const first = oid[0] as number;
    let low = first === 0 ? 0 : index.readUInt32BE(8 + (first - 1) * 4);
    let high = index.readUInt32BE(8 + first * 4) - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = index.compare(oid, 0, OID_BYTES, oidsAt + mid * OID_BYTES, oidsAt + (mid + 1) * OID_BYTES);
      if (order === 0) return entryAt(offsets[mid] as number);
      if (order > 0) high = mid - 1;
      else low = mid + 1;
    }
    throw new UnsupportedObjectStore('a delta whose base is in another pack');
  };
  const byOffset = new Uint32Array(count);
  for (let i = 0; i < count; i++) byOffset[entryAt(offsets[i] as number)] = i;

  // Headers only: each entry's type or base, where its data starts, and the forest of deltas.
  const kinds = new Uint8Array(count);
  const sizes = new Float64Array(count);
  const dataAt = new Float64Array(count);
  const firstChild = new Int32Array(count).fill(-1);
  const nextSibling = new Int32Array(count).fill(-1);
  for (let k = count - 1; k >= 0; k--) {
    let p = sortedOffsets[k] as number;
    let byte = pack[p++] as number;
    const kind = (byte >> 4) & 7;
    let size = byte & 15;
    for (let shift = 16; byte & 0x80; shift *= 128) {
      byte = pack[p++] as number;
      size += (byte & 0x7f) * shift;
    }
    let base = -1;
    if (kind === OFS_DELTA) {
      byte = pack[p++] as number;
      let distance = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[p++] as number;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      base = entryAt((sortedOffsets[k] as number) - distance);
    } else if (kind === REF_DELTA) {
      base = entryOf(pack.subarray(p, p + OID_BYTES));
      p += OID_BYTES;
    } else if (!TYPES[kind]) {
      throw new Error(`damaged pack: entry of unknown type ${kind}`);
    }
    kinds[k] = kind;
    sizes[k] = size;
    dataAt[k] = p;
    if (base !== -1) {
      // Walking k downwards keeps each base's children in pack order.
      nextSibling[k] = firstChild[base] as number;
      firstChild[base] = k;
    }
  }

  const inflater = new Inflater();
  // Memory reused across objects: one buffer per depth of the delta chain being walked (an
  // object's content must outlive its visit only while its own deltas are built), and one for
  // a delta's raw instructions. Allocating each object afresh cost more in garbage collection
  // than the whole inflate.
  const chain: Buffer[] = [];
  let instructions: Buffer = Buffer.alloc(0);
  const scratch = (buffer: Buffer | undefined, size: number): Buffer =>
    buffer && buffer.length >= size ? buffer : Buffer.allocUnsafe(Math.max(size, 2 * (buffer?.length ?? 0), 4096));
  const end = (k: number) => (k + 1 < count ? (sortedOffsets[k + 1] as number) : pack.length - OID_BYTES);
  const oidOf = (k: number) => {
    const at = oidsAt + (byOffset[k] as number) * OID_BYTES;
    return index.subarray(at, at + OID_BYTES);
  };
  const walk = (k: number, depth: number, type: ObjectType, base: { content: Buffer; state: T } | undefined): void => {
    const size = sizes[k] as number;
    let object: StoredObject;
    if (base) {
      instructions = scratch(instructions, size);
      const delta = inflater.inflate(pack, dataAt[k] as number, end(k), instructions.subarray(0, size));
      const built = targetSize(delta);
      chain[depth] = scratch(chain[depth], built);
      const content = (chain[depth] as Buffer).subarray(0, built);
      object = { oid: oidOf(k), type, content, copies: applyDelta(base.content, delta, content) };
    } else {
      chain[depth] = scratch(chain[depth], size);
      object = { oid: oidOf(k), type, content: inflater.inflate(pack, dataAt[k] as number, end(k), (chain[depth] as Buffer).subarray(0, size)) };
    }
    const state = visit(object, base?.state);
    for (let child = firstChild[k] as number; child !== -1; child = nextSibling[child] as number) {
      walk(child, depth + 1, type, { content: object.content, state });
    }
  };
  for (let k = 0; k < count; k++) {
    const type = TYPES[kinds[k] as number];
    if (type && wanted.has(type)) walk(k, 0, type, undefined);
  }
}
