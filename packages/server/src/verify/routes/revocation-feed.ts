/**
 * GET /api/v1/credentials/revocations: the revocation feed for operators' middleware, as
 * Server-Sent Events (scope `credentials.verify`). See revocation-feed.ts for what is sent
 * when; the middleware trusts its cache only while this stream is open and after `ready`.
 */
import { once } from 'node:events';
import { Session } from 'better-sse';
import { requireAccount } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { headersOf } from '../../http/raw-reply.js';
import { defineRoute } from '../../http/route.js';
import { newId } from '../../store/ids.js';
import { revocationFeedSchema } from '../schema.js';

/** A ping at this interval lets the client tell a silent feed from a dead connection. */
export const FEED_PING_MS = 15_000;

export const revocationFeedRoute = (ctx: AppContext) =>
  defineRoute({
    method: 'GET',
    url: '/api/v1/credentials/revocations',
    summary: 'Follow revocations of the account’s credentials (Server-Sent Events), for middleware caches',
    tag: 'Verification',
    auth: 'account',
    scopes: ['credentials.verify'],
    response: {
      status: 200,
      schema: revocationFeedSchema,
      contentType: 'text/event-stream',
      description:
        'Server-Sent Events: `ready` `{subscription_id}` once subscribed; `revoked` `{hashes, seq}` (lowercase hex SHA-256 of each credential of this account that a revocation, rotation or leak report may have made invalid): the change is answered on this instance once the subscriber acknowledged it (POST /api/v1/credentials/revocations/ack), or after 1 s; `reset` (drop every cached answer: news may have been missed); `ping` every 15 s',
    },
    errors: {
      SERVICE_UNAVAILABLE: { when: 'Too many feeds are open for this account or this instance, or it is shutting down', headers: ['retry-after'] },
      INVALID_REQUEST: 'The Host header is not a valid host',
    },
    async handler({ request, reply }) {
      const { accountId } = requireAccount(request);
      let session: Session;
      try {
        // `connection: close`: the connection ends with the stream, so a shutdown does not wait on it.
        session = new Session(request.raw, reply.raw, { headers: { ...headersOf(reply), connection: 'close' } });
      } catch {
        // better-sse parses the Host header into a URL; a malformed one cannot be streamed to.
        throw new ApiError('INVALID_REQUEST', 'Malformed request', { details: 'The Host header is not a valid host' });
      }
      const push = (data: unknown, event: string) => {
        if (session.isConnected) session.push(data, event);
      };
      // Subscribed before `ready` is sent: news from then on reaches this stream. Anything earlier
      // does not matter, since the client caches nothing it verified before `ready`.
      const subscriptionId = newId('sub');
      const unsubscribe = ctx.revocations.subscribe({
        id: subscriptionId,
        accountId,
        revoked: (hashes, seq) => push({ hashes, seq }, 'revoked'),
        reset: () => push({}, 'reset'),
        end: () => reply.raw.end(),
      });
      if (unsubscribe === null) {
        throw new ApiError('SERVICE_UNAVAILABLE', 'Too many revocation feeds', {
          details: 'Close another feed of this account, or try again later',
          headers: { 'retry-after': '5' },
        });
      }
      reply.hijack();
      const ping = setInterval(() => push({}, 'ping'), FEED_PING_MS);
      try {
        if (!session.isConnected) await once(session, 'connected');
        push({ subscription_id: subscriptionId }, 'ready');
        if (!reply.raw.destroyed) await once(session, 'disconnected');
      } finally {
        clearInterval(ping);
        unsubscribe();
        reply.raw.end();
        // A hijacked reply: Fastify sends nothing, so the request ends here.
        ctx.finishRequest(request, reply);
      }
      // Fastify ignores what a hijacked handler returns; the events above were the answer.
      return '';
    },
  });
