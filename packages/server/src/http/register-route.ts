/**
 * Turns a route declaration into a Fastify route: its auth hook runs first (before the
 * body is read), then params, query and body are validated by the route's zod schemas.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { z } from 'zod';
import { describeExpected, validationError } from './errors.js';
import { type AnyRoute, PreSerialized } from './route.js';

/** Builds the auth hook of a route from its declaration; undefined for public routes. */
export type Authenticate = (route: AnyRoute) => ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) | undefined;

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, part: 'params' | 'query' | 'body'): T | undefined {
  if (schema === undefined) return undefined;
  // Messages come from the schema or from `describeExpected`, never from the value received.
  const result = schema.safeParse(value, { error: describeExpected });
  if (result.success) return result.data;
  throw validationError(result.error.issues[0]!, part);
}

export function registerRoute(app: FastifyInstance, route: AnyRoute, authenticate: Authenticate): void {
  const onRequest = authenticate(route) as onRequestAsyncHookHandler | undefined;
  app.route({
    method: route.method,
    url: route.url,
    ...(onRequest ? { onRequest } : {}),
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    async handler(request, reply) {
      const result = await route.handler({
        params: validate(route.params, request.params, 'params'),
        query: validate(route.query, request.query, 'query'),
        body: validate(route.body, request.body ?? {}, 'body'),
        request,
        reply,
      });
      // A handler may answer with another status (the OAuth token endpoint's 400s).
      if (reply.statusCode === 200) reply.code(route.response.status);
      if (result instanceof PreSerialized) {
        reply.type(result.contentType);
        return result.body;
      }
      return result;
    },
  });
}
