/** Which errors a declaration implies, read without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { type DeclaredErrors, defineRoute, type RouteAuth } from './route.js';
import { errorsOf } from './route-errors.js';

const declare = (auth: RouteAuth, method: 'GET' | 'POST' | 'DELETE', extra: { query?: boolean; errors?: DeclaredErrors } = {}) =>
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

  test('each kind of auth implies its refusals, with the headers each carries', () => {
    assert.deepEqual(ids(declare('session', 'GET')), ['FORBIDDEN', 'UNAUTHORIZED']);
    assert.deepEqual(ids(declare('account', 'GET')), ['FORBIDDEN', 'UNAUTHORIZED']);
    assert.deepEqual(ids(declare('inference', 'GET')), ['FORBIDDEN', 'SERVICE_UNAVAILABLE', 'UNAUTHORIZED']);
    const [sessionOnly] = errorsOf(declare('session', 'GET')).get('FORBIDDEN')!;
    assert.match(sessionOnly!.when, /needs the console session/);
    assert.deepEqual(sessionOnly!.headers, [], 'a session holds every scope: there is no scope to name');
    assert.deepEqual(errorsOf(declare('account', 'GET')).get('FORBIDDEN')![0]!.headers, ['x-accepted-scopes']);
    assert.deepEqual(errorsOf(declare('inference', 'GET')).get('FORBIDDEN')![0]!.headers, ['x-accepted-scopes']);
    assert.deepEqual(errorsOf(declare('inference', 'GET')).get('SERVICE_UNAVAILABLE')![0]!.headers, ['retry-after']);
  });

  test('a change may be refused for its body, and a cookie change for its origin', () => {
    assert.deepEqual(ids(declare('none', 'POST')), ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE']);
    assert.deepEqual(ids(declare('none', 'DELETE')), ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE']);
    const forbidden = errorsOf(declare('account', 'DELETE')).get('FORBIDDEN')!;
    assert.equal(forbidden.length, 2);
    assert.match(forbidden[1]!.when, /Origin/);
    assert.deepEqual(forbidden[1]!.headers, [], 'an origin refusal names no scopes');
    assert.equal(errorsOf(declare('account', 'GET')).get('FORBIDDEN')!.length, 1, 'a GET changes nothing: no origin check');
  });

  test('validated inputs imply 422', () => {
    assert.deepEqual(ids(declare('none', 'GET', { query: true })), ['INVALID_INPUT']);
  });

  test("a route's own errors join the implied ones, reasons kept in order, with their headers", () => {
    const errors = errorsOf(
      declare('session', 'POST', {
        query: true,
        errors: {
          NOT_FOUND: 'gone',
          INVALID_INPUT: 'from after to',
          RATE_LIMIT_EXCEEDED: 'too many',
          FORBIDDEN: { when: 'wider scopes', headers: ['x-accepted-scopes'] },
        },
      }),
    );
    assert.deepEqual(errors.get('INVALID_INPUT'), [
      { when: 'A parameter or field fails validation; `details` names it', headers: [] },
      { when: 'from after to', headers: [] },
    ]);
    assert.deepEqual(errors.get('NOT_FOUND'), [{ when: 'gone', headers: [] }]);
    assert.deepEqual(errors.get('RATE_LIMIT_EXCEEDED'), [{ when: 'too many', headers: ['retry-after'] }], 'a throttle always says when to come back');
    assert.deepEqual(
      errors.get('FORBIDDEN')!.map((reason) => reason.headers),
      [[], [], ['x-accepted-scopes']],
    );
  });
});
