/**
 * The end of a request, named once: its usage sample (an authenticated /v1 request), its
 * metrics sample, and the access-log policy. It runs when the answer is handed to Node: from
 * the app's onSend hook for every answer Fastify sends (errors and unmatched paths included),
 * and from the routes that stream their answer themselves (`reply.hijack()`) when the stream
 * ends. Requests the router or Node's parser refuse before any route are logged where they
 * are refused (app.ts) and counted nowhere else.
 *
 * Why onSend and not onResponse: an onResponse hook makes Fastify attach 'finish' and 'error'
 * listeners to every response and remove them again, on the hot path of every /v1 request;
 * onSend costs none of that. A request's latency therefore runs from the moment it was routed
 * (stamped with its id, `stampReceived`) to the hand-over of its answer.
 *
 * Access-log policy:
 * - at LOG_LEVEL=info (the default), one line per request except /v1 successes: management
 *   and ops routes, and every /v1 error, unmatched or refused requests included. A /v1 success
 *   is already its usage record (per minute, credential, IP, user agent, route and status);
 * - at debug, one line for every request.
 * The URL is redacted (credentials masked in any percent-encoding) only for a line written.
 */
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { redactCredentials } from '@skytells/credentials';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { usageSampleOf } from '../usage/record-request.js';
import type { UsageBatch } from '../usage/usage-batch.js';
import type { Metrics } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The route's path pattern, set as its handler starts (`registerRoute`); null before. */
    routePattern: string | null;
  }
}

declare module 'node:http' {
  interface IncomingMessage {
    /** `performance.now()` when the request was routed (see `stampReceived`). */
    skytellsReceivedAt?: number;
  }
}

/** Marks when a request was routed: Fastify asks for its id first thing (`genReqId`). */
export function stampReceived(raw: IncomingMessage): void {
  raw.skytellsReceivedAt = performance.now();
}

export type FinishRequest = (request: FastifyRequest, reply: FastifyReply) => void;

export function requestFinisher(deps: { usage: UsageBatch; metrics: Metrics; logger: Logger; clock: Clock }): FinishRequest {
  const { usage, metrics, logger, clock } = deps;
  const logsV1Successes = logger.isLevelEnabled('debug');
  const logsRequests = logger.isLevelEnabled('info');
  return function finishRequest(request, reply) {
    // The pattern set by the handler spares Fastify's `routeOptions`, which builds an object per
    // call; a request refused before its handler (a 401, a body that does not parse) asks it.
    const route = request.routePattern ?? request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const elapsedMs = performance.now() - (request.raw.skytellsReceivedAt ?? performance.now());
    const sample = usageSampleOf(request, status, route, elapsedMs, clock.now());
    if (sample !== undefined) usage.record(sample);
    metrics.requests.observe(request.method, route, status, elapsedMs / 1000);
    const v1Success = status < 400 && route.startsWith('/v1/');
    if (v1Success ? logsV1Successes : logsRequests) {
      logger[v1Success ? 'debug' : 'info'](
        {
          req_id: request.id,
          method: request.method,
          url: redactCredentials(request.url),
          status,
          duration_ms: Math.round(elapsedMs * 100) / 100,
          ip: request.ip,
        },
        'request',
      );
    }
  };
}
