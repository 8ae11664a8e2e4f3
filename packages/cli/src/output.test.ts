import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { generateApiKey, generatePersonalAccessToken } from '@skytells/credentials';
import { Output } from './output.js';

/** A stream that keeps what is written, claiming to be a terminal (with a terminal's cursor calls) or not. */
function stream(isTTY: boolean) {
  const done = (callback?: () => void) => {
    callback?.();
    return true;
  };
  const s = Object.assign(new PassThrough(), {
    isTTY,
    columns: 80,
    cursorTo: (_x: number, callback?: () => void) => done(callback),
    clearLine: (_dir: number, callback?: () => void) => done(callback),
    moveCursor: (_dx: number, _dy: number, callback?: () => void) => done(callback),
  });
  let text = '';
  s.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { s, text: () => text };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('output', () => {
  test('messages, tables and JSON never carry a credential; the one-time output does', () => {
    const out = stream(false);
    const err = stream(false);
    const output = new Output(out.s, err.s, {});
    const token = generatePersonalAccessToken();
    const key = generateApiKey();
    output.info(`echoed ${token}`);
    output.error(`refused ${key}`, `hint ${token}`);
    output.json({ token });
    output.table(['A'], [[key]]);
    assert.ok(!out.text().includes(token) && !out.text().includes(key));
    assert.ok(!err.text().includes(token) && !err.text().includes(key));
    assert.match(err.text(), /echoed sk_pat_\w{4}…\w{4}/);
    output.secretOnce(key);
    assert.ok(out.text().endsWith(`${key}\n`));
  });

  test('colour only on a terminal, never with NO_COLOR', () => {
    const tty = stream(true);
    new Output(stream(true).s, tty.s, {}).warn('soon');
    assert.ok(tty.text().includes('\u001b['), 'an escape sequence');
    const noColor = stream(true);
    new Output(stream(true).s, noColor.s, { NO_COLOR: '1' }).warn('soon');
    assert.equal(noColor.text(), 'Warning: soon\n');
    const piped = stream(false);
    new Output(stream(false).s, piped.s, {}).warn('soon');
    assert.equal(piped.text(), 'Warning: soon\n');
  });

  test('a spinner only for waits over a second, and only on a terminal', async () => {
    const quick = stream(true);
    await new Output(stream(true).s, quick.s, {}).waitFor('quick', sleep(100));
    assert.equal(quick.text(), '', 'no spinner under a second');
    const slow = stream(true);
    await new Output(stream(true).s, slow.s, {}).waitFor('slow', sleep(1400));
    assert.match(slow.text(), /slow/);
    const piped = stream(true);
    await new Output(stream(false).s, piped.s, {}).waitFor('piped', sleep(1400));
    assert.equal(piped.text(), '', 'never when stdout is not a terminal');
  });
});
