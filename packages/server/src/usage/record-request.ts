/**
 * Turns a finished, authenticated /v1 request into a usage event: who (account and
 * credential), from where (IP, user agent), what (method, path, model), the outcome
 * (status, latency) and the charge. Routes annotate `request.usage` with what only they know.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userAgentOf } from '../auth/principal.js';
import { newSequentialId } from '../store/ids.js';
import type { UsageEventRow } from './usage-batch.js';

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

/** `redactedUrl`: the request URL with any credential in it masked. */
export function usageEventOf(request: FastifyRequest, reply: FastifyReply, redactedUrl: string, now: number): UsageEventRow | undefined {
  const credential = request.credential;
  if (credential === null) return undefined;
  const queryAt = redactedUrl.indexOf('?');
  return {
    id: newSequentialId('evt', now),
    account_id: credential.accountId,
    credential_kind: credential.kind,
    credential_id: credential.credentialId,
    ip: request.ip,
    user_agent: userAgentOf(request),
    method: request.method,
    path: (queryAt === -1 ? redactedUrl : redactedUrl.slice(0, queryAt)).slice(0, 300),
    model: request.usage?.model ?? null,
    status_code: reply.statusCode,
    latency_ms: Math.round(reply.elapsedTime),
    prediction_id: request.usage?.predictionId ?? null,
    charge_nanos: request.usage?.chargeNanos ?? 0,
    created_at: now,
  };
}
