import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BatchParser, type GitObject } from './batch-parser.js';

const entry = (oid: string, type: string, content: string) => `${oid} ${type} ${Buffer.byteLength(content)}\n${content}\n`;

describe('BatchParser', () => {
  const stream = Buffer.from(
    entry('a'.repeat(40), 'blob', 'hello\nworld') +
      entry('b'.repeat(40), 'tree', 'binary\u0000tree') +
      `${'c'.repeat(40)} missing\n` +
      entry('d'.repeat(40), 'blob', '') +
      entry('e'.repeat(40), 'commit', 'tree x\n\nmessage\n'),
  );

  test('the same objects whatever the chunking; unwanted types skipped', () => {
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const objects: GitObject[] = [];
      const parser = new BatchParser(new Set(['blob', 'commit']), (object) => objects.push(object));
      for (let at = 0; at < stream.length; at += size) parser.push(stream.subarray(at, at + size));
      assert.equal(parser.complete, true);
      assert.deepEqual(
        objects.map((o) => [o.oid[0], o.type, o.content.toString()]),
        [
          ['a', 'blob', 'hello\nworld'],
          ['d', 'blob', ''],
          ['e', 'commit', 'tree x\n\nmessage\n'],
        ],
      );
    }
  });

  test('a stream cut inside an object is incomplete; a missing newline is an error', () => {
    const parser = new BatchParser(new Set(['blob']), () => {});
    parser.push(stream.subarray(0, 50));
    assert.equal(parser.complete, false);
    assert.throws(() => new BatchParser(new Set(['blob']), () => {}).push(Buffer.from(`${'a'.repeat(40)} blob 2\nabX`)), /newline/);
  });
});
