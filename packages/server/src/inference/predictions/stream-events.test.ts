import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PredictionView } from './schema.js';
import { nextStreamStep, wantsEventStream } from './stream-events.js';

const view = (changes: Partial<PredictionView> = {}): PredictionView => ({
  id: 'pred_1',
  model: 'sandbox-text',
  status: 'processing',
  input: { prompt: 'hi' },
  output: null,
  error: null,
  charge: '0.0000',
  sandbox: false,
  created_at: '2026-01-01T00:00:00.000Z',
  completed_at: null,
  started_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  stream: true,
  urls: {
    get: 'http://h/v1/predictions/pred_1',
    cancel: 'http://h/v1/predictions/pred_1/cancel',
    stream: 'http://h/v1/predictions/pred_1/stream',
    delete: 'http://h/v1/predictions/pred_1/delete',
  },
  ...changes,
});

const names = (step: { events: Array<{ event: string }> }) => step.events.map((e) => e.event);

describe('wantsEventStream', () => {
  test('only an explicit text/event-stream with a quality above zero asks for events', () => {
    for (const accept of [
      'text/event-stream',
      'TEXT/Event-Stream',
      'application/json, text/event-stream;q=0.5',
      'text/event-stream; charset=utf-8',
    ]) {
      assert.equal(wantsEventStream(accept), true, accept);
    }
    for (const accept of [
      undefined,
      '',
      '*/*',
      'text/*',
      'application/json',
      'text/event-stream;q=0',
      'text/event-stream; q=0.000',
      'text/event-streams',
    ]) {
      assert.equal(wantsEventStream(accept), false, String(accept));
    }
  });
});

describe('nextStreamStep', () => {
  test('the first look sends the state; a terminal one also its output and done, and ends', () => {
    assert.deepEqual(nextStreamStep(undefined, view(), false), { events: [{ event: 'status', data: view() }], end: false });
    const finished = view({ status: 'succeeded', output: { text: 'x' }, completed_at: '2026-01-01T00:00:01.000Z' });
    assert.deepEqual(nextStreamStep(undefined, finished, false), {
      events: [
        { event: 'status', data: finished },
        { event: 'output', data: { text: 'x' } },
        { event: 'done', data: { id: 'pred_1', status: 'succeeded' } },
      ],
      end: true,
    });
  });

  test('nothing is sent while nothing changes; each change is sent once', () => {
    assert.deepEqual(nextStreamStep(view(), view(), false), { events: [], end: false });
    const partial = view({ output: { text: 'par' }, updated_at: '2026-01-01T00:00:02.000Z' });
    assert.deepEqual(names(nextStreamStep(view(), partial, false)), ['status', 'output']);
    assert.deepEqual(nextStreamStep(partial, partial, false).events, []);
    const canceled = view({ status: 'canceled', output: { text: 'par' }, updated_at: '2026-01-01T00:00:03.000Z' });
    assert.deepEqual(names(nextStreamStep(partial, canceled, false)), ['status', 'done'], 'the same output is not sent again');
  });

  test('a deleted prediction ends the stream with an error event', () => {
    assert.deepEqual(nextStreamStep(view(), undefined, false), {
      events: [{ event: 'error', data: { error_id: 'NOT_FOUND', message: 'The prediction was deleted' } }],
      end: true,
    });
  });

  test('past its lifetime a running prediction ends the stream, after sending what changed', () => {
    assert.deepEqual(nextStreamStep(view(), view(), true), { events: [], end: true });
    const changed = view({ output: { text: 'more' }, updated_at: '2026-01-01T00:00:04.000Z' });
    assert.deepEqual(nextStreamStep(view(), changed, true), {
      events: [
        { event: 'status', data: changed },
        { event: 'output', data: { text: 'more' } },
      ],
      end: true,
    });
  });
});
