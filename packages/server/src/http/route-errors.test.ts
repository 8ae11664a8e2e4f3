/** Which errors a declaration implies, read without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import type { ErrorId } from './errors.js';
import { defineRoute, type RouteAuth } from './route.js';
import { errorsOf } from './route-errors.js';

const declare = (auth: RouteAuth, method: 'GET' | 'POST' | 'DELETE', extra: { query?: boolean; errors?: Partial<Record<ErrorId, string>> } = {}) =>
  defineRoute({
    method,
    url: '/x',
    summary: 'x',
    tag: 'Test',
    auth,
    scopes: auth === 'account' ? ['keys.read'] : undefined,
    ...(extra.query ? { query: z.object({ page: z.coerce.number() }) } : {}),
    response: { status: 200, schema: z.object({}), description: 'x' },
    ...(extra.errors ? { errors: extra.errors } : {}),
    async handler() {
      return {};
    },
  });
const ids = (route: ReturnType<typeof declare>) => [...errorsOf(route).keys()].sort();

describe('errorsOf', () => {
  test('a public GET without inputs can only fail unexpectedly', () => {
    assert.deepEqual(ids(declare('none', 'GET')), []);
  });

  test('each kind of auth implies its refusals', () => {
    assert.deepEqual(ids(declare('session', 'GET')), ['FORBIDDEN', 'UNAUTHORIZED']);
    assert.deepEqual(ids(declare('account', 'GET')), ['FORBIDDEN', 'UNAUTHORIZED']);
    assert.deepEqual(ids(declare('inference', 'GET')), ['FORBIDDEN', 'SERVICE_UNAVAILABLE', 'UNAUTHORIZED']);
    assert.match(errorsOf(declare('session', 'GET')).get('FORBIDDEN')!.join(), /needs the console session/);
    assert.match(errorsOf(declare('account', 'GET')).get('FORBIDDEN')!.join(), /x-accepted-scopes/);
  });

  test('a change may be refused for its body, and a cookie change for its origin', () => {
    assert.deepEqual(ids(declare('none', 'POST')), ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE']);
    assert.deepEqual(ids(declare('none', 'DELETE')), ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE']);
    const forbidden = errorsOf(declare('account', 'DELETE')).get('FORBIDDEN')!;
    assert.equal(forbidden.length, 2);
    assert.match(forbidden[1]!, /Origin/);
    assert.equal(errorsOf(declare('account', 'GET')).get('FORBIDDEN')!.length, 1, 'a GET changes nothing: no origin check');
  });

  test('validated inputs imply 422', () => {
    assert.deepEqual(ids(declare('none', 'GET', { query: true })), ['INVALID_INPUT']);
  });

  test("a route's own errors join the implied ones, reasons kept in order", () => {
    const errors = errorsOf(declare('none', 'GET', { query: true, errors: { NOT_FOUND: 'gone', INVALID_INPUT: 'from after to' } }));
    assert.deepEqual([...errors.keys()].sort(), ['INVALID_INPUT', 'NOT_FOUND']);
    assert.deepEqual(errors.get('INVALID_INPUT'), ['A parameter or field fails validation; `details` names it', 'from after to']);
  });
});
