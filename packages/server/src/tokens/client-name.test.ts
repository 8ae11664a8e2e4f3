import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlainDisplayText } from './client-name.js';

test('client names: direction controls, zero-width, invisible and control characters are refused', () => {
  const refused = [
    ...['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'], // bidi embeddings and overrides
    ...['\u2066', '\u2067', '\u2068', '\u2069'], // bidi isolates
    ...['\u200E', '\u200F', '\u061C'], // direction marks
    ...['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'], // zero-width characters
    ...['\u00AD', '\u180E', '\u2061', '\u{E0041}'], // other format characters: soft hyphen, invisible operator, tag
    ...['\u0000', '\u0007', '\u001B', '\u007F', '\u0085', '\n', '\t'], // controls
    ...['\u2028', '\u2029'], // line and paragraph separators
    ...['\uD800', '\uDC00'], // lone surrogates
    ...['\u3164', '\u115F', '\u1160', '\uFFA0'], // Hangul fillers, letters that render as blanks
  ];
  for (const character of refused) {
    const code = character.codePointAt(0)!.toString(16);
    assert.equal(isPlainDisplayText(`Skytells${character}CLI`), false, `U+${code}`);
  }
});

test('client names: ordinary names in any script are accepted', () => {
  for (const name of [
    'Skytells CLI',
    'skytells-cli/1.2 (linux; x64)',
    'Café on Zoë’s laptop',
    'عميل سكايتلز',
    '日本語のクライアント',
    'CLI 🚀',
    'a\u00A0b',
  ]) {
    assert.equal(isPlainDisplayText(name), true, name);
  }
});
