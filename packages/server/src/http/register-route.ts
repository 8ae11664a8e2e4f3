/**
 * Turns a route declaration into a Fastify route: its auth hook runs first (before the
 * body is read), then params, query and body are validated by the route's zod schemas,
 * and the handler's answer is sent with the status and content type its declaration gives.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler, onSendAsyncHookHandler } from 'fastify';
import type { z } from 'zod';
import { answerProblem } from './answer-check.js';
import { ApiError, describeExpected, errorEnvelope, validationError } from './errors.js';
import { Answer, type AnyRoute, PreSerialized } from './route.js';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Builds the auth hook of a route from its declaration; undefined for public routes. */
export type Authenticate = (route: AnyRoute) => ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) | undefined;

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, part: 'params' | 'query' | 'body'): T | undefined {
  if (schema === undefined) return undefined;
  // Messages come from the schema or from `describeExpected`, never from the value received.
  const result = schema.safeParse(value, { error: describeExpected });
  if (result.success) return result.data;
  throw validationError(result.error, part);
}

/**
 * Test servers (SKYTELLS_CHECK_ANSWERS=1) check every answer against the route's declaration:
 * a mismatch is replaced by a 500 naming it, and a process warning, so the test that caused it
 * fails and says why. Production registers no such hook.
 */
function checkAnswers(route: AnyRoute): onSendAsyncHookHandler<unknown> {
  return async (request, reply, payload) => {
    if (typeof payload !== 'string') return payload;
    const problem = answerProblem(route, { status: reply.statusCode, headers: reply.getHeaders(), payload });
    if (problem === undefined) return payload;
    process.emitWarning(problem, 'UndeclaredAnswer');
    reply.code(500).type(JSON_CONTENT_TYPE);
    return JSON.stringify(
      errorEnvelope(new ApiError('INTERNAL_ERROR', 'The answer does not match its route declaration', { details: problem }), request.id),
    );
  };
}

export function registerRoute(app: FastifyInstance, route: AnyRoute, authenticate: Authenticate): void {
  const onRequest = authenticate(route) as onRequestAsyncHookHandler | undefined;
  const { status, contentType } = route.response;
  app.route({
    method: route.method,
    url: route.url,
    ...(onRequest ? { onRequest } : {}),
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    ...(process.env.SKYTELLS_CHECK_ANSWERS === '1' ? { onSend: checkAnswers(route) } : {}),
    async handler(request, reply) {
      const result = await route.handler({
        params: validate(route.params, request.params, 'params'),
        query: validate(route.query, request.query, 'query'),
        body: validate(route.body, request.body ?? {}, 'body'),
        request,
        reply,
      });
      // The status comes from the declaration, never from the handler.
      if (result instanceof Answer) {
        reply.code(result.status);
        return result.body;
      }
      reply.code(status);
      if (result instanceof PreSerialized) {
        reply.type(JSON_CONTENT_TYPE);
        return result.json;
      }
      if (contentType !== undefined) reply.type(contentType);
      return result;
    },
  });
}
