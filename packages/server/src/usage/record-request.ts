/**
 * Turns a finished, authenticated /v1 request into a usage sample: who (account and
 * credential), from where (IP, user agent, credentials in it masked), what (method, route
 * pattern, model), the outcome (status, latency) and the charge. Routes annotate
 * `request.usage` with what only they know. The raw URL is never recorded: the route
 * pattern names the endpoint, and a query string may hold anything.
 */
import type { FastifyRequest } from 'fastify';
import type { UsageSample } from './usage-batch.js';

export interface UsageAnnotation {
  model?: string;
  predictionId?: string;
  chargeNanos?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    usage: UsageAnnotation | null;
  }
}

export function usageSampleOf(request: FastifyRequest, status: number, route: string, latencyMs: number, now: number): UsageSample | undefined {
  const credential = request.credential;
  if (credential === null) return undefined;
  const usage = request.usage;
  const userAgent = request.headers['user-agent'];
  return {
    at: now,
    credential,
    ip: request.ip ?? '',
    // As sent: the batch masks it before keeping it, and only when no group already holds it.
    userAgent: typeof userAgent === 'string' ? userAgent : '',
    method: request.method,
    route,
    status,
    model: usage?.model ?? '',
    prediction: usage?.predictionId !== undefined,
    latencyUs: Math.round(latencyMs * 1000),
    chargeNanos: usage?.chargeNanos ?? 0,
  };
}
