/** The console's origin: what cookie-authenticated changes must come from, and what the session cookie is scoped to. */
import type { FastifyRequest } from 'fastify';

/** PUBLIC_URL's origin when configured, else the request's own scheme and host. */
export function publicOriginOf(request: FastifyRequest, configured: string | undefined): string {
  return configured ?? `${request.protocol}://${request.host}`;
}
