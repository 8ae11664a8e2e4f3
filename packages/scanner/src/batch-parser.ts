/**
 * A streaming parser of `git cat-file --batch` output: for each object a header line
 * `<oid> <type> <size>`, then exactly `size` bytes, then a newline (`<oid> missing` for none).
 *
 * Invariant: memory holds at most one wanted object plus one input chunk; the content of an
 * object whose type is not wanted (trees) is skipped without being copied. An object that fits
 * in one chunk is handed over as a view of that chunk, not a copy.
 */
export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

interface Current {
  oid: string;
  type: string;
  size: number;
  have: number;
  keep: boolean;
  parts: Buffer[];
}

export class BatchParser {
  #pending = Buffer.alloc(0);
  #state: 'header' | 'content' | 'newline' = 'header';
  #current: Current | null = null;

  constructor(
    private readonly wanted: ReadonlySet<string>,
    private readonly onObject: (object: GitObject) => void,
  ) {}

  push(chunk: Buffer): void {
    const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    let at = 0;
    while (at < data.length) {
      const current = this.#current;
      if (this.#state === 'header' || !current) {
        const newline = data.indexOf(10, at);
        if (newline === -1) {
          this.#pending = Buffer.from(data.subarray(at));
          return;
        }
        const header = data.toString('latin1', at, newline).split(' ');
        at = newline + 1;
        if (header.length !== 3) continue; // `<oid> missing`
        const [oid, type, size] = header as [string, string, string];
        this.#current = { oid, type, size: Number(size), have: 0, keep: this.wanted.has(type), parts: [] };
        this.#state = Number(size) === 0 ? 'newline' : 'content';
      } else if (this.#state === 'content') {
        const take = Math.min(current.size - current.have, data.length - at);
        if (current.keep) current.parts.push(data.subarray(at, at + take));
        current.have += take;
        at += take;
        if (current.have === current.size) this.#state = 'newline';
      } else {
        if (data[at] !== 10) throw new Error('git cat-file: object content not followed by a newline');
        at++;
        this.#state = 'header';
        this.#current = null;
        if (current.keep) {
          const content = current.parts.length === 1 ? (current.parts[0] as Buffer) : Buffer.concat(current.parts);
          this.onObject({ oid: current.oid, type: current.type, content });
        }
      }
    }
  }

  /** True when the input ended between objects (false: it stopped inside one). */
  get complete(): boolean {
    return this.#state === 'header' && this.#pending.length === 0;
  }
}
