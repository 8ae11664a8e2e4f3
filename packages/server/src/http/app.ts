/**
 * Builds the Fastify application: request ids, the error envelope for every failure
 * (including unknown routes and wrong methods), JSON-only bodies with a size limit, the end of
 * every request (usage, metrics and the access log: finish-request.ts, at onSend), and every
 * domain's routes.
 *
 * Invariant: no log line holds a credential or a cookie. Headers are never logged, and the
 * URL passes through `redactCredentials` (which decodes percent-encoding) first.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { accountRoutes } from '../accounts/index.js';
import { listAuditRoute } from '../audit/list-audit-route.js';
import { routeAuthenticator } from '../auth/route-authenticator.js';
import type { AppContext } from '../context.js';
import { inferenceRoutes } from '../inference/index.js';
import { keyRoutes } from '../keys/index.js';
import { leakRoutes } from '../leaks/index.js';
import { listNotificationsRoute } from '../notifications/list-notifications-route.js';
import { opsRoutes, type ReadinessCheck } from '../ops/routes.js';
import { tokenRoutes } from '../tokens/index.js';
import { usageRoutes } from '../usage/index.js';
import { verificationRoutes } from '../verify/index.js';
import { consoleFallback } from './console.js';
import { ApiError, errorEnvelope, malformedPath } from './errors.js';
import { stampReceived } from './finish-request.js';
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

/** PostgreSQL's refusals of text it cannot store: NUL (22021), a NUL escape in JSON (22P05). */
const DATABASE_TEXT_REFUSALS = new Set(['22021', '22P05']);

export function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  // The last line of defence behind `safeString`: bad input, never a 500 with a stack.
  if (DATABASE_TEXT_REFUSALS.has(error.code)) {
    return new ApiError('INVALID_INPUT', 'Invalid text', { details: 'A text value holds a character that cannot be stored, such as NUL' });
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new ApiError('INVALID_REQUEST', 'Malformed URL', { details: 'The path holds an invalid percent-encoding' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return malformedPath();
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
  interface FastifyRequest {
    /** The JSON body as received (null for other bodies): what a signature covers. */
    rawBody: string | null;
  }
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

/** The answer to a connection whose request Node's parser refused: there is no request to route. */
function parserError(code: string | undefined): ApiError {
  if (code === 'HPE_HEADER_OVERFLOW')
    return new ApiError('HEADERS_TOO_LARGE', 'Request headers are too large', { details: 'Send at most 16 KB of headers' });
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError('REQUEST_TIMEOUT', 'The request took too long to arrive');
  return new ApiError('INVALID_REQUEST', 'Malformed request', { details: 'The request could not be parsed as HTTP/1.1' });
}

/**
 * Node's `clientError`: answers the envelope as a complete raw response, then closes. Logs one
 * line with the error code only: the error's `rawPacket` holds the caller's bytes, credentials
 * among them.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, requestId: string, logger: Logger): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError = parserError(error.code);
  logger.info({ req_id: requestId, status: apiError.httpStatus, reason: error.code, ip: socket.remoteAddress }, 'request refused by the HTTP parser');
  if (socket.writable) {
    const body = JSON.stringify(errorEnvelope(apiError, requestId));
    socket.write(
      `HTTP/1.1 ${apiError.httpStatus} ${STATUS_CODES[apiError.httpStatus]}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `cache-control: no-store\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Every error answer carries the request id and `no-store`; a route's own answers get theirs in `registerRoute`. */
function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  return reply
    .code(error.httpStatus)
    .headers({ ...error.options.headers, 'x-request-id': request.id, 'cache-control': 'no-store' })
    .type('application/json; charset=utf-8')
    .send(errorEnvelope(error, request.id));
}

export async function buildApp(ctx: AppContext, options: AppOptions): Promise<FastifyInstance> {
  const nextRequestId = requestIdGenerator();
  const app = Fastify({
    logger: false,
    // Only `true` or the proxies' own addresses: config refuses a hop count (see parseTrustProxy).
    trustProxy: ctx.config.trustProxy,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (raw) => {
      stampReceived(raw);
      return nextRequestId();
    },
    requestIdHeader: false,
    requestTimeout: 30_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // A longer parameter names nothing: the router refuses it before matching (frameworkErrors).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100 },
    // Bad percent-encoding and over-long parameters: the envelope, not Fastify's answer echoing the path.
    // No hook runs for these requests, so they are logged here.
    frameworkErrors: (error, request, reply) => {
      const apiError = toApiError(error);
      ctx.logger.info(
        { req_id: request.id, method: request.method, status: apiError.httpStatus, reason: error.code, ip: request.ip },
        'request refused by the router',
      );
      sendError(request, reply, apiError);
    },
    clientErrorHandler: (error, socket) => answerClientError(error, socket, nextRequestId(), ctx.logger),
  });
  const registeredRoutes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url });
  });
  app.decorateRequest('account', null);
  app.decorateRequest('credential', null);
  app.decorateRequest('usage', null);
  app.decorateRequest('rawBody', null);
  app.decorateRequest('routePattern', null);
  // JSON only: any other content type is refused with 400 INVALID_REQUEST.
  app.removeContentTypeParser('text/plain');
  // The official SDK sends `Content-Type: application/json` on every request, body or not: an
  // empty POST or DELETE body reads as `{}`. Anything else goes to Fastify's own parser
  // (prototype-poisoning checks included).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Kept for signature checks over the exact bytes (GitHub's leak reports); the body limit bounds it.
    request.rawBody = body as string;
    if (body === '' && (request.method === 'POST' || request.method === 'DELETE')) return done(null, {});
    parseJson(request, body as string, done);
  });

  // The end of every request Fastify answers (see finish-request.ts); streaming routes call it themselves.
  app.addHook('onSend', (request, reply, payload, done) => {
    ctx.finishRequest(request, reply);
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.httpStatus >= 500) ctx.logger.error({ err: error, req_id: request.id }, 'unexpected error');
    // One line, no stack: a schema that should use `safeString` let the text through.
    else if (DATABASE_TEXT_REFUSALS.has(error.code)) ctx.logger.warn({ req_id: request.id, code: error.code }, 'the database refused a text value');
    return sendError(request, reply, apiError);
  });

  const routes: AnyRoute[] = [
    ...accountRoutes(ctx),
    ...keyRoutes(ctx),
    ...tokenRoutes(ctx),
    ...usageRoutes(ctx),
    ...leakRoutes(ctx),
    listNotificationsRoute(ctx),
    listAuditRoute(ctx),
    ...inferenceRoutes(ctx),
    ...verificationRoutes(ctx),
  ];
  routes.push(...opsRoutes(ctx, options.readiness, () => routes, options.version));

  const authenticate = routeAuthenticator(ctx);
  for (const route of routes.filter((r) => !r.acceptsForm)) registerRoute(app, route, authenticate);
  // The OAuth endpoints also take form bodies; the parser is scoped to them alone.
  await app.register(async (oauth) => {
    oauth.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    for (const route of routes.filter((r) => r.acceptsForm)) registerRoute(oauth, route, authenticate);
  });

  const allowedMethods = allowedMethodsFinder(registeredRoutes);
  const consolePage = await consoleFallback(app);
  app.setNotFoundHandler((request, reply) => {
    // The console's pages and files carry the request id like every other answer.
    reply.header('x-request-id', request.id);
    const page = consolePage(request, reply);
    if (page !== undefined) return page;
    const allowed = allowedMethods(request.url.replace(/\?.*$/s, ''));
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
