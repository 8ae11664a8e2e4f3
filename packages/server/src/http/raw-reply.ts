/** For routes that write the raw response themselves (Server-Sent Events). */
import type { FastifyReply } from 'fastify';

/** The headers Fastify holds for this reply (request id, token expiry, …), for the raw response. */
export function headersOf(reply: FastifyReply): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = typeof value === 'number' ? String(value) : value;
  }
  return headers;
}
