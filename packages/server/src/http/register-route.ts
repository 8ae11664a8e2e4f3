/**
 * Turns a route declaration into a Fastify route: its auth hook runs first (before the
 * body is read), then params, query and body are validated by the route's zod schemas,
 * and the handler's answer is sent with the status and content type its declaration gives.
 */
import type { FastifyInstance, FastifyReply, onRequestAsyncHookHandler, onRequestHookHandler, onSendAsyncHookHandler } from 'fastify';
import type { z } from 'zod';
import { answerProblem } from './answer-check.js';
import { ApiError, describeExpected, errorEnvelope, validationError } from './errors.js';
import { Answer, type AnyRoute, PreSerialized } from './route.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `/v1` and `/api` answers hold prompts, outputs, keys and account data: no cache may keep them. */
const NO_STORE_PATH = /^\/(?:v1|api)(?:\/|$)/;

/** Builds the auth hook of a route from its declaration; undefined for public routes. */
export type Authenticate = (route: AnyRoute) => onRequestHookHandler | onRequestAsyncHookHandler | undefined;

type Validator = (value: unknown) => unknown;

const isEmpty = (value: unknown): boolean => {
  for (const _ in value as object) return false;
  return true;
};

const isFlatRecord = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && Object.values(value).every((field) => field === null || typeof field !== 'object');

/**
 * The validator of one part of a route's requests. Parsing is deterministic, so an empty part
 * (most GETs send no query) reuses the one answer parsed when the route was registered.
 */
function validator(schema: z.ZodType | undefined, part: 'params' | 'query' | 'body'): Validator {
  if (schema === undefined) return () => undefined;
  const parse = (value: unknown) => {
    // Messages come from the schema or from `describeExpected`, never from the value received.
    const result = schema.safeParse(value, { error: describeExpected });
    if (result.success) return result.data;
    throw validationError(result.error, part);
  };
  const emptyAnswer = schema.safeParse({});
  // Shared by every request, so frozen, and only when flat: no handler can change what the next one gets.
  if (!emptyAnswer.success || !isFlatRecord(emptyAnswer.data)) return parse;
  const parsedEmpty = Object.freeze(emptyAnswer.data);
  return (value) => (isEmpty(value) ? parsedEmpty : parse(value));
}

/**
 * Test servers (SKYTELLS_CHECK_ANSWERS=1) check every answer against the route's declaration:
 * a mismatch is replaced by a 500 naming it, and a process warning, so the test that caused it
 * fails and says why. Production registers no such hook.
 */
function checkAnswers(route: AnyRoute): onSendAsyncHookHandler<unknown> {
  return async (request, reply, payload) => {
    // Pre-serialized answers are bytes; streams (SSE) are not checked.
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (text === undefined) return payload;
    const problem = answerProblem(route, { status: reply.statusCode, headers: reply.getHeaders(), payload: text });
    if (problem === undefined) return payload;
    process.emitWarning(problem, 'UndeclaredAnswer');
    reply.code(500).type(JSON_CONTENT_TYPE);
    return JSON.stringify(
      errorEnvelope(new ApiError('INTERNAL_ERROR', 'The answer does not match its route declaration', { details: problem }), request.id),
    );
  };
}

export function registerRoute(app: FastifyInstance, route: AnyRoute, authenticate: Authenticate): void {
  const onRequest = authenticate(route);
  const { status, contentType } = route.response;
  const [params, query, body] = [validator(route.params, 'params'), validator(route.query, 'query'), validator(route.body, 'body')];
  const noStore = NO_STORE_PATH.test(route.url);
  // The status comes from the declaration, never from the handler.
  const send = (result: unknown, reply: FastifyReply): unknown => {
    if (result instanceof Answer) {
      reply.code(result.status);
      return result.body;
    }
    reply.code(status);
    if (result instanceof PreSerialized) {
      reply.type(JSON_CONTENT_TYPE);
      return result.bytes;
    }
    if (contentType !== undefined) reply.type(contentType);
    return result;
  };
  app.route({
    method: route.method,
    url: route.url,
    ...(onRequest ? { onRequest } : {}),
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    ...(process.env.SKYTELLS_CHECK_ANSWERS === '1' ? { onSend: checkAnswers(route) } : {}),
    // Not async: a handler that answers synchronously is sent without a promise.
    handler(request, reply) {
      request.routePattern = route.url;
      // Set before the handler runs, so an answer it streams itself (SSE, `headersOf`) carries them
      // too; a request refused before its handler is answered by `sendError`, which sets both.
      reply.header('x-request-id', request.id);
      if (noStore) reply.header('cache-control', 'no-store');
      const result = route.handler({
        params: params(request.params),
        query: query(request.query),
        body: body(request.body ?? {}),
        request,
        reply,
      });
      return result instanceof Promise ? result.then((value) => send(value, reply)) : send(result, reply);
    },
  });
}
