/**
 * A route declaration binds its handler, twice over:
 * - at compile time: each `@ts-expect-error` below marks a handler the compiler refuses, and
 *   `npm run typecheck` fails the moment one of them compiles;
 * - in tests: the same handlers, registered on a test server, have their answers refused
 *   (answer-check.ts), so a cast past the compiler is caught too.
 * Without SKYTELLS_CHECK_ANSWERS nothing is checked per request.
 * Fastify's `inject` is used: no socket.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { z } from 'zod';
import { registerRoute } from './register-route.js';
import { Answer, type AnyRoute, defineRoute, PreSerialized } from './route.js';

const viewSchema = z.object({
  id: z.string(),
  status: z.enum(['active', 'revoked']),
  owner: z.object({ id: z.string() }).nullable(),
  scopes: z.array(z.object({ name: z.string() })),
});
const view: z.output<typeof viewSchema> = { id: 'key_1', status: 'active', owner: { id: 'acct_1' }, scopes: [{ name: 'keys.read' }] };
/** What a repository returns: the view's fields and a column the view must never show. */
const row = { ...view, key_hash: 'c0ffee' };

const slowDownSchema = z.object({ error: z.literal('slow_down'), error_description: z.string() });

const base = {
  method: 'GET',
  url: '/thing',
  summary: 'A thing',
  tag: 'Test',
  auth: 'none',
  response: { status: 200, schema: viewSchema, description: 'The thing' },
} as const;
const withOther = { ...base, otherResponses: { 400: { schema: slowDownSchema, description: 'Poll slower' } } } as const;

/** Each handler the compiler refuses, and what the answer check says about its answer. */
const refused: Array<[string, AnyRoute, RegExp]> = [
  [
    'a field the schema lacks, in an object literal',
    defineRoute({
      ...base,
      // @ts-expect-error key_hash is not declared
      async handler() {
        return { ...view, key_hash: 'c0ffee' };
      },
    }),
    /undeclared fields \.key_hash/,
  ],
  [
    'a field the schema lacks, in a value of a wider type (assignable, yet refused)',
    defineRoute({
      ...base,
      // @ts-expect-error the row has key_hash
      async handler() {
        return row;
      },
    }),
    /undeclared fields \.key_hash/,
  ],
  [
    'a field the schema lacks, nested in an object',
    defineRoute({
      ...base,
      // @ts-expect-error owner.email is not declared
      async handler() {
        return { ...view, owner: { id: 'acct_1', email: 'me@example.com' } };
      },
    }),
    /undeclared fields \.owner\.email/,
  ],
  [
    'a field the schema lacks, in array items',
    defineRoute({
      ...base,
      // @ts-expect-error scopes[].granted_by is not declared
      async handler() {
        const scopes = [{ name: 'keys.read', granted_by: 'acct_2' }];
        return { ...view, scopes };
      },
    }),
    /undeclared fields \.scopes\[0\]\.granted_by/,
  ],
  [
    'a field of the wrong type',
    defineRoute({
      ...base,
      // @ts-expect-error id must be a string
      async handler() {
        return { ...view, id: 7 };
      },
    }),
    /schema refuses \(id:/,
  ],
  [
    'a value outside an enum',
    defineRoute({
      ...base,
      // @ts-expect-error status is active or revoked
      async handler() {
        return { ...view, status: 'expired' };
      },
    }),
    /schema refuses \(status:/,
  ],
  [
    'a missing field',
    defineRoute({
      ...base,
      // @ts-expect-error scopes is required
      async handler() {
        return { id: 'key_1', status: 'active' as const, owner: null };
      },
    }),
    /schema refuses \(scopes:/,
  ],
  [
    'a pre-serialized body of a value with an undeclared field',
    defineRoute({
      ...base,
      // @ts-expect-error serialized from the row, key_hash and all
      async handler() {
        return PreSerialized.of(row);
      },
    }),
    /undeclared fields \.key_hash/,
  ],
  [
    'a pre-serialized body of another type',
    defineRoute({
      ...base,
      // @ts-expect-error serialized from something else
      async handler() {
        return PreSerialized.of({ ok: true });
      },
    }),
    /schema refuses/,
  ],
  [
    'an answer with a status the route does not declare',
    defineRoute({
      ...withOther,
      // @ts-expect-error 401 is not among otherResponses
      async handler() {
        return new Answer(401, { error: 'slow_down' as const, error_description: 'wait' });
      },
    }),
    /answered 401 with a body that is not the error envelope/,
  ],
  [
    'an answer with a declared status and the wrong body',
    defineRoute({
      ...withOther,
      // @ts-expect-error the 400 body is {error, error_description}
      async handler() {
        return new Answer(400, { error: 'slow_down' as const, error_description: 'wait', retry_in: 10 });
      },
    }),
    /answered 400 with undeclared fields \.retry_in/,
  ],
  [
    'an answer with a status and no other responses declared',
    defineRoute({
      ...base,
      // @ts-expect-error this route declares no other response
      async handler() {
        return new Answer(400, { error: 'slow_down' as const, error_description: 'wait' });
      },
    }),
    /answered 400 with a body that is not the error envelope/,
  ],
];

// Refused by the compiler alone (at run time Fastify would not send them anyway).
// @ts-expect-error a PreSerialized is made only by serializing a value
new PreSerialized(Buffer.from('{"id": "key_1"}'));
defineRoute({
  ...base,
  response: { status: 200, schema: z.string(), description: 'A page', contentType: 'text/html; charset=utf-8' },
  // @ts-expect-error a text response is a string
  async handler() {
    return { html: '<p>' };
  },
});

function serve(route: AnyRoute, checked: boolean) {
  const app = Fastify();
  const previous = process.env.SKYTELLS_CHECK_ANSWERS;
  if (checked) process.env.SKYTELLS_CHECK_ANSWERS = '1';
  else delete process.env.SKYTELLS_CHECK_ANSWERS;
  registerRoute(app, route, () => undefined);
  process.env.SKYTELLS_CHECK_ANSWERS = previous;
  return app;
}

describe('a declaration binds its handler', () => {
  for (const [what, route, problem] of refused) {
    test(`refused: ${what}`, async (t) => {
      t.mock.method(process, 'emitWarning', () => {});
      const app = serve(route, true);
      const response = await app.inject({ method: route.method, url: route.url });
      assert.equal(response.statusCode, 500, response.body);
      assert.equal(response.json().error.error_id, 'INTERNAL_ERROR');
      assert.match(response.json().error.details, problem);
    });
  }

  test('accepted: the declared body, a pre-serialized one and a declared other answer, with their statuses', async () => {
    const asDeclared = defineRoute({
      ...withOther,
      url: '/thing/:how',
      params: z.object({ how: z.enum(['object', 'serialized', 'other']) }),
      async handler({ params, reply }) {
        reply.code(202); // ignored: the status comes from the declaration
        if (params.how === 'other') return new Answer(400, { error: 'slow_down' as const, error_description: 'Poll every 10 seconds' });
        return params.how === 'object' ? { ...view } : PreSerialized.of(view);
      },
    });
    const app = serve(asDeclared, true);
    for (const how of ['object', 'serialized']) {
      const response = await app.inject({ method: 'GET', url: `/thing/${how}` });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(response.json(), view);
    }
    const other = await app.inject({ method: 'GET', url: '/thing/other' });
    assert.equal(other.statusCode, 400);
    assert.deepEqual(other.json(), { error: 'slow_down', error_description: 'Poll every 10 seconds' });
  });

  test('accepted: text with its declared content type', async () => {
    const page = defineRoute({
      ...base,
      response: { status: 200, schema: z.string(), description: 'A page', contentType: 'text/html; charset=utf-8' },
      async handler() {
        return '<!doctype html><p>hello</p>';
      },
    });
    const response = await serve(page, true).inject({ method: 'GET', url: '/thing' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(response.body, '<!doctype html><p>hello</p>');
  });

  test('PreSerialized holds exactly what JSON.stringify makes of the value', () => {
    assert.equal(PreSerialized.of(view).bytes.toString('utf8'), JSON.stringify(view));
  });

  test('production checks nothing per request: a cast past the compiler is not caught there', async () => {
    const [, route] = refused[1]!;
    const response = await serve(route, false).inject({ method: 'GET', url: '/thing' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().key_hash, 'c0ffee');
  });
});
