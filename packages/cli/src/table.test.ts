import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatFields, formatTable, formatTime } from './table.js';

describe('tables', () => {
  test('columns are padded to the widest cell, two spaces apart, the last unpadded', () => {
    const text = formatTable(
      ['ID', 'NAME', 'STATUS'],
      [
        ['key_1', 'production', 'active'],
        ['key_22', 'ci', 'revoked'],
      ],
    );
    assert.equal(text, 'ID      NAME        STATUS\nkey_1   production  active\nkey_22  ci          revoked\n');
  });

  test('a mask with an ellipsis counts as one column per character', () => {
    const text = formatTable(
      ['KEY', 'X'],
      [
        ['sk-AbCd…wXyZ', 'a'],
        ['short', 'b'],
      ],
    );
    const [first, , third] = text.split('\n');
    assert.equal(first!.indexOf('X'), third!.indexOf('b'));
    assert.equal([...text.split('\n')[1]!].indexOf('a'), [...third!].indexOf('b'));
  });

  test('header styling is applied after padding; no rows gives the header alone', () => {
    assert.equal(
      formatTable(['A', 'BB'], [], (t) => `<${t}>`),
      '<A>  <BB>\n',
    );
    assert.equal(formatTable(['A', 'B'], [['', '']]), 'A  B\n\n', 'trailing spaces are trimmed');
  });

  test('fields and times', () => {
    assert.equal(
      formatFields([
        ['Account', 'a@b.c'],
        ['Expires', 'never'],
      ]),
      'Account  a@b.c\nExpires  never\n',
    );
    assert.equal(formatTime('2026-01-31T14:05:59.123Z'), '2026-01-31 14:05Z');
    assert.equal(formatTime(null, 'never'), 'never');
  });
});
