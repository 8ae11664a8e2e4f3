/**
 * GET /v1/predictions/{id}/stream: the prediction's changes as Server-Sent Events when the
 * client sends `Accept: text/event-stream`, written by better-sse; otherwise the prediction
 * as JSON, which is what the official SDK's `streamPrediction` reads.
 *
 * The stream sends the current state at once, then looks at the prediction every
 * POLL_INTERVAL_MS while it runs and sends what changed (see `nextStreamStep`). It ends at a
 * terminal status, when the prediction is deleted, when the client goes, when the server
 * shuts down, and after STREAM_LIFETIME_MS at most (the client reconnects for more). Reading
 * the database, rather than listening in process, sees changes made by any instance.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Session } from 'better-sse';
import { requireCredential } from '../../auth/principal.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../http/errors.js';
import { headersOf } from '../../http/raw-reply.js';
import { defineRoute } from '../../http/route.js';
import { idParamsSchema } from '../../http/values.js';
import { toPredictionView } from '../predictions/decisions.js';
import { findPrediction } from '../predictions/repository.js';
import { type PredictionView, predictionSchema } from '../predictions/schema.js';
import { nextStreamStep, wantsEventStream } from '../predictions/stream-events.js';
import { findOwnPrediction, originOf } from './get-prediction.js';

const POLL_INTERVAL_MS = 1000;
const STREAM_LIFETIME_MS = 5 * 60_000;
/** Open streams per account on one instance: each reads the database once per interval. */
const MAX_STREAMS_PER_ACCOUNT = 10;

/** Sends what changed until the stream ends (see the module comment). */
async function follow(session: Session, first: PredictionView, look: () => Promise<PredictionView | undefined>, open: () => boolean) {
  const deadline = performance.now() + STREAM_LIFETIME_MS;
  let sent: PredictionView | undefined;
  let current: PredictionView | undefined = first;
  for (;;) {
    const step = nextStreamStep(sent, current, performance.now() >= deadline);
    for (const { event, data } of step.events) session.push(data, event);
    if (step.end) return;
    sent = current;
    await sleep(POLL_INTERVAL_MS);
    current = await look();
    if (!open()) return;
  }
}

export const streamPredictionRoute = (ctx: AppContext) => {
  const openStreams = new Map<string, number>();
  return defineRoute({
    method: 'GET',
    url: '/v1/predictions/:id/stream',
    summary: 'Follow a prediction: Server-Sent Events with Accept: text/event-stream, else the prediction as JSON',
    tag: 'Inference',
    auth: 'inference',
    params: idParamsSchema,
    response: {
      status: 200,
      schema: predictionSchema,
      description:
        'The prediction. With `Accept: text/event-stream`: events `status` (the prediction, at once and on each change), `output` (its output, when it changes), then `done` (`{id, status}`) at a terminal status or `error` if it is deleted; a stream lasts 5 minutes at most, then the client reconnects',
    },
    errors: {
      NOT_FOUND: 'No prediction with this id in the account',
      RATE_LIMIT_EXCEEDED: { when: 'The account has too many streams open on this instance', headers: ['retry-after'] },
      INVALID_REQUEST: 'The Host header is not a valid host',
    },
    async handler({ params, request, reply }) {
      const accountId = requireCredential(request).accountId;
      const origin = originOf(ctx, request);
      const first = toPredictionView(await findOwnPrediction(ctx, request, params.id), origin);
      reply.header('vary', 'accept');
      if (request.method !== 'GET' || !wantsEventStream(request.headers.accept)) return first;

      const open = openStreams.get(accountId) ?? 0;
      if (open >= MAX_STREAMS_PER_ACCOUNT) {
        throw new ApiError('RATE_LIMIT_EXCEEDED', 'Too many open prediction streams', {
          details: `At most ${MAX_STREAMS_PER_ACCOUNT} at once per account; close one first`,
          headers: { 'retry-after': '5' },
        });
      }
      let session: Session;
      try {
        // `connection: close`: the connection ends with the stream rather than idling until the
        // keep-alive timeout, so a shutdown does not wait for it.
        session = new Session(request.raw, reply.raw, { headers: { ...headersOf(reply), connection: 'close' } });
      } catch {
        // better-sse parses the Host header into a URL; a malformed one cannot be streamed to.
        throw new ApiError('INVALID_REQUEST', 'Malformed request', { details: 'The Host header is not a valid host' });
      }
      // Counted in the same synchronous step as the check, so concurrent requests cannot overshoot.
      openStreams.set(accountId, open + 1);
      // From here on this handler writes the response itself, and ends the request when the stream ends.
      reply.hijack();
      try {
        await once(session, 'connected');
        await follow(
          session,
          first,
          async () => {
            const row = await findPrediction(ctx.store.db, accountId, params.id);
            return row && toPredictionView(row, origin);
          },
          // The client is still there, and the server is not shutting down (it stops listening first).
          () => !reply.raw.destroyed && request.server.server.listening,
        );
      } catch (error) {
        ctx.logger.error({ err: error, req_id: request.id }, 'prediction stream failed');
      } finally {
        const left = (openStreams.get(accountId) ?? 1) - 1;
        if (left === 0) openStreams.delete(accountId);
        else openStreams.set(accountId, left);
        reply.raw.end();
        ctx.finishRequest(request, reply);
      }
      // Fastify ignores what a hijacked handler returns; the events above were the answer.
      return first;
    },
  });
};
