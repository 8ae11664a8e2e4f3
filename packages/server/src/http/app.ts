/**
 * Builds the Fastify application: request ids, the error envelope for every failure
 * (including unknown routes and wrong methods), JSON-only bodies with a size limit, the
 * access log (see the policy at the onResponse hook), one metric and one usage sample per
 * request, and every domain's routes.
 *
 * Invariant: no log line holds a credential or a cookie. Headers are never logged, and the
 * URL passes through `redactCredentials` (which decodes percent-encoding) first.
 */
import { randomBytes } from 'node:crypto';
import { redactCredentials } from '@skytells/credentials';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { accountRoutes } from '../accounts/index.js';
import { listAuditRoute } from '../audit/list-audit-route.js';
import { accountAuthenticator } from '../auth/account-authenticator.js';
import { inferenceAuthenticator } from '../auth/inference-authenticator.js';
import type { AppContext } from '../context.js';
import { inferenceRoutes } from '../inference/index.js';
import { keyRoutes } from '../keys/index.js';
import { opsRoutes, type ReadinessCheck } from '../ops/routes.js';
import { tokenRoutes } from '../tokens/index.js';
import { usageRoutes } from '../usage/index.js';
import { usageSampleOf } from '../usage/record-request.js';
import { ApiError, errorEnvelope } from './errors.js';
import { openApiPath } from './openapi.js';
import { registerRoute } from './register-route.js';
import type { AnyRoute } from './route.js';

export interface AppOptions {
  readiness: Record<string, ReadinessCheck>;
  version: string;
}

/** Request ids unique across instances: a random per-process prefix and a counter. */
function requestIdGenerator(): () => string {
  const prefix = randomBytes(6).toString('base64url');
  let counter = 0;
  return () => `req_${prefix}${(++counter).toString(36).padStart(7, '0')}`;
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large', { details: 'Send a smaller JSON body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('INVALID_REQUEST', 'Unsupported content type', { details: 'Send the body as JSON with Content-Type: application/json' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_REQUEST', 'Empty JSON body', { details: 'Send a JSON object, or no Content-Type with no body' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('INVALID_REQUEST', 'Malformed JSON', { details: 'The request body is not valid JSON' });
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new ApiError('INVALID_REQUEST', 'Malformed request', { details: 'The request could not be parsed' });
  }
  if (error.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ApiError('INVALID_REQUEST', 'Bad request', { details: 'The request could not be processed' });
  }
  return new ApiError('INTERNAL_ERROR', 'Internal server error', { details: 'The error was logged with this request id' });
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every method and path Fastify registered, as Fastify saw them. */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Finds which methods a path would accept, to tell a 405 from a 404 (compiled on first use, once every route is in). */
function allowedMethodsFinder(routes: readonly RegisteredRoute[]): (path: string) => string[] {
  let patterns: Array<{ method: string; regex: RegExp }> | undefined;
  return (path) => {
    patterns ??= routes.map((route) => ({
      method: route.method,
      regex: new RegExp(`^${openApiPath(route.url).replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
    return [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
  };
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.httpStatus)
    .headers({ ...error.options.headers, 'x-request-id': request.id })
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(error, request.id));
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    // A hop count trusts that many proxies nearest to the server.
    trustProxy:
      typeof ctx.config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(ctx.config.trustProxy)
        : ctx.config.trustProxy,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: requestIdGenerator(),
    requestIdHeader: false,
    requestTimeout: 30_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
  });
  const registeredRoutes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });
  app.decorateRequest('account', null);
  app.decorateRequest('credential', null);
  app.decorateRequest('usage', null);
  // JSON only: any other content type is refused with 400 INVALID_REQUEST.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done();
  });

  // One usage sample, one metrics sample and the access-log policy, per request:
  // - at LOG_LEVEL=info, one line per request except /v1 successes (management and ops
  //   routes, and every /v1 error, unmatched or refused requests included);
  // - at debug, one line for every request.
  // The URL is redacted (credentials masked in any percent-encoding) only for a line written.
  const logsV1Successes = ctx.logger.isLevelEnabled('debug');
  const logsRequests = ctx.logger.isLevelEnabled('info');
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const sample = usageSampleOf(request, reply, route, ctx.clock.now());
    if (sample !== undefined) ctx.usage.record(sample);
    ctx.metrics.requests.observe(request.method, route, status, reply.elapsedTime / 1000);
    const v1Success = status < 400 && route.startsWith('/v1/');
    if (v1Success ? logsV1Successes : logsRequests) {
      ctx.logger[v1Success ? 'debug' : 'info'](
        {
          req_id: request.id,
          method: request.method,
          url: redactCredentials(request.url),
          status,
          duration_ms: Math.round(reply.elapsedTime * 100) / 100,
          ip: request.ip,
        },
        'request',
      );
    }
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.httpStatus >= 500) ctx.logger.error({ err: error, req_id: request.id }, 'unexpected error');
    return sendError(request, reply, apiError);
  });

  const routes: AnyRoute[] = [
    ...accountRoutes(ctx),
    ...keyRoutes(ctx),
    ...tokenRoutes(ctx),
    ...usageRoutes(ctx),
    listAuditRoute(ctx),
    ...inferenceRoutes(ctx),
  ];
  routes.push(...opsRoutes(ctx, options.readiness, () => routes, options.version));

  const accountHook = accountAuthenticator(ctx);
  const inferenceHook = inferenceAuthenticator(ctx);
  const authenticate = (route: AnyRoute) =>
    route.auth === 'none' ? undefined : route.auth === 'inference' ? inferenceHook(route) : accountHook(route);
  for (const route of routes.filter((r) => !r.acceptsForm)) registerRoute(app, route, authenticate);
  // The OAuth endpoints also take form bodies; the parser is scoped to them alone.
  await app.register(async (oauth) => {
    oauth.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    for (const route of routes.filter((r) => r.acceptsForm)) registerRoute(oauth, route, authenticate);
  });

  const allowedMethods = allowedMethodsFinder(registeredRoutes);
  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(request.url.split('?')[0]!);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        request,
        reply,
        new ApiError('METHOD_NOT_ALLOWED', `Method ${request.method} is not allowed here`, { details: `Allowed: ${allowed.join(', ')}` }),
      );
    }
    return sendError(
      request,
      reply,
      new ApiError('NOT_FOUND', 'Route not found', { details: 'See /api/openapi.json for the routes this server serves' }),
    );
  });

  return app;
}
