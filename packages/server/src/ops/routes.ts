/**
 * Operational endpoints: liveness, readiness, Prometheus metrics and the OpenAPI document.
 * `/readyz` answers 503 until every check passes, so a load balancer can route on it.
 */

import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../http/openapi.js';
import { type AnyRoute, defineRoute, PreSerialized } from '../http/route.js';

export type ReadinessCheck = () => Promise<boolean>;

export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

const readinessSchema = z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.literal('ok')) });

export function opsRoutes(
  ctx: AppContext,
  checks: Record<string, ReadinessCheck>,
  allRoutes: () => readonly AnyRoute[],
  version: string,
): AnyRoute[] {
  let openApiJson: PreSerialized<OpenApiDocument> | undefined;
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process is up',
      tag: 'Operations',
      auth: 'none',
      response: { status: 200, schema: z.object({ status: z.literal('ok') }), description: 'Alive' },
      handler: async () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: store reachable, migrations at head, invalidation listener connected',
      tag: 'Operations',
      auth: 'none',
      response: { status: 200, schema: readinessSchema, description: 'Ready to serve' },
      errors: { SERVICE_UNAVAILABLE: 'A check fails; `error.checks` names each check and its state' },
      async handler() {
        const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const));
        const failing = results.filter(([, ok]) => !ok).map(([name]) => name);
        if (failing.length > 0) {
          throw new ApiError('SERVICE_UNAVAILABLE', 'Not ready', {
            details: `failing checks: ${failing.join(', ')}`,
            fields: { checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])) },
          });
        }
        return { status: 'ready' as const, checks: Object.fromEntries(results.map(([name]) => [name, 'ok' as const])) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (loopback only unless METRICS_PUBLIC is set)',
      tag: 'Operations',
      auth: 'none',
      response: {
        status: 200,
        schema: z.string(),
        description: 'Prometheus text exposition format',
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
      },
      errors: { FORBIDDEN: 'The peer is not on loopback and METRICS_PUBLIC is not set' },
      async handler({ request }) {
        if (!ctx.config.metricsPublic && !isLoopback(request.socket.remoteAddress)) {
          throw new ApiError('FORBIDDEN', 'Metrics are served to loopback only', { details: 'Set METRICS_PUBLIC=true to serve them to other hosts' });
        }
        return ctx.metrics.render();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This OpenAPI document',
      tag: 'Operations',
      auth: 'none',
      response: { status: 200, schema: z.record(z.string(), z.unknown()), description: 'OpenAPI 3.1' },
      async handler() {
        openApiJson ??= PreSerialized.of(buildOpenApiDocument(allRoutes(), version));
        return openApiJson;
      },
    }),
  ];
}
