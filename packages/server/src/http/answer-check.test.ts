/** The answer check of test servers, as a pure function: no server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { answerProblem, type SentAnswer, undeclaredPaths } from './answer-check.js';
import { ApiError, type ErrorId, errorEnvelope } from './errors.js';
import { Answer, defineRoute } from './route.js';

const route = defineRoute({
  method: 'POST',
  url: '/api/oauth/token',
  summary: 'Poll',
  tag: 'Test',
  auth: 'account',
  scopes: ['tokens.write'],
  body: z.object({ code: z.string() }),
  response: { status: 200, schema: z.object({ token: z.string(), scopes: z.array(z.object({ name: z.string() })) }), description: 'A token' },
  otherResponses: { 400: { schema: z.object({ error: z.literal('slow_down') }), description: 'Slower' } },
  errors: { RATE_LIMIT_EXCEEDED: 'Too many polls' },
  async handler() {
    return new Answer(400, { error: 'slow_down' as const });
  },
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SentAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  payload: JSON.stringify(body),
});
const envelope = (id: ErrorId, options: ConstructorParameters<typeof ApiError>[2] = {}) => errorEnvelope(new ApiError(id, 'no', options), 'req_1');

describe('undeclaredPaths', () => {
  test('names each field the parse dropped, at any depth, and nothing else', () => {
    const sent = { a: 1, extra: 2, nested: { b: 1, secret: 's' }, list: [{ c: 1 }, { c: 2, more: 3 }], nothing: null };
    const kept = { a: 1, nested: { b: 1 }, list: [{ c: 1 }, { c: 2 }], nothing: null };
    assert.deepEqual(undeclaredPaths(sent, kept), ['.extra', '.nested.secret', '.list[1].more']);
    assert.deepEqual(undeclaredPaths(kept, kept), []);
    assert.deepEqual(undeclaredPaths('text', 'text'), []);
  });
});

describe('answerProblem', () => {
  test('accepts the declared body, the declared other answer, and declared or implied errors', () => {
    assert.equal(answerProblem(route, json(200, { token: 't', scopes: [{ name: 'x' }] })), undefined);
    assert.equal(answerProblem(route, json(400, { error: 'slow_down' })), undefined);
    // 400 is both an other answer and an implied error (malformed JSON): either is fine.
    assert.equal(answerProblem(route, json(400, envelope('INVALID_REQUEST'))), undefined);
    assert.equal(answerProblem(route, json(422, envelope('INVALID_INPUT'))), undefined);
    assert.equal(answerProblem(route, json(401, envelope('UNAUTHORIZED'))), undefined);
    assert.equal(answerProblem(route, json(429, envelope('RATE_LIMIT_EXCEEDED'), { 'retry-after': '9' })), undefined);
    assert.equal(answerProblem(route, json(500, envelope('INTERNAL_ERROR'))), undefined, 'any route may fail unexpectedly');
  });

  test('refuses undeclared fields and bodies the schema refuses', () => {
    assert.match(answerProblem(route, json(200, { token: 't', scopes: [], hash: 'h' })) ?? '', /undeclared fields \.hash/);
    assert.match(answerProblem(route, json(200, { token: 't', scopes: [{ name: 'x', by: 1 }] })) ?? '', /\.scopes\[0\]\.by/);
    assert.match(answerProblem(route, json(200, { token: 1, scopes: [] })) ?? '', /schema refuses \(token:/);
    assert.match(answerProblem(route, json(400, { error: 'nope' })) ?? '', /schema refuses \(error:/);
    assert.match(answerProblem(route, { ...json(200, {}), payload: '{' }) ?? '', /not JSON/);
  });

  test('refuses undeclared statuses, error ids and content types', () => {
    assert.match(
      answerProblem(route, json(201, { token: 't', scopes: [] })) ?? '',
      /^POST \/api\/oauth\/token answered 201 with a status it does not declare$/,
    );
    assert.match(answerProblem(route, json(404, envelope('NOT_FOUND'))) ?? '', /error NOT_FOUND, which it does not declare/);
    assert.match(answerProblem(route, json(409, envelope('NOT_FOUND'))) ?? '', /http_status is 404/);
    assert.match(answerProblem(route, json(404, { message: 'gone' })) ?? '', /not the error envelope/);
    const html = { status: 200, headers: { 'content-type': 'text/html' }, payload: '<p>' };
    assert.match(answerProblem(route, html) ?? '', /content type text\/html, not the declared application\/json/);
  });

  test('refuses errors without the headers that go with them', () => {
    assert.match(answerProblem(route, json(429, envelope('RATE_LIMIT_EXCEEDED'))) ?? '', /without its retry-after header/);
    const scopes = envelope('FORBIDDEN', { fields: { accepted_scopes: ['tokens.write'] } });
    assert.match(answerProblem(route, json(403, scopes)) ?? '', /without its x-accepted-scopes header/);
    assert.equal(answerProblem(route, json(403, scopes, { 'x-accepted-scopes': 'tokens.write' })), undefined);
  });

  test('refuses error headers the route does not declare for that error', () => {
    const headers = { 'retry-after': '1' };
    assert.match(
      answerProblem(route, json(403, envelope('FORBIDDEN'), headers)) ?? '',
      /error FORBIDDEN with headers it does not declare: retry-after/,
    );
    assert.match(
      answerProblem(route, json(422, envelope('INVALID_INPUT'), { 'x-accepted-scopes': 'a' })) ?? '',
      /does not declare: x-accepted-scopes/,
    );
  });

  test('checks text answers against their declared content type and schema', () => {
    const page = defineRoute({
      method: 'GET',
      url: '/page',
      summary: 'Page',
      tag: 'Test',
      auth: 'none',
      response: { status: 200, schema: z.string().min(1), description: 'HTML', contentType: 'text/html; charset=utf-8' },
      async handler() {
        return '<p>';
      },
    });
    assert.equal(answerProblem(page, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, payload: '<p>' }), undefined);
    assert.match(answerProblem(page, { status: 200, headers: { 'content-type': 'text/html' }, payload: '' }) ?? '', /schema refuses/);
    assert.match(answerProblem(page, json(200, '<p>')) ?? '', /content type application\/json, not the declared text\/html/);
  });
});
