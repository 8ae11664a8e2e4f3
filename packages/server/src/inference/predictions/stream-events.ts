/**
 * Pure decisions of GET /v1/predictions/{id}/stream: whether the client asked for Server-Sent
 * Events, and which events one look at the prediction yields. The route does the I/O.
 *
 * The stream is a view of state, not a log: each look compares the prediction with what was
 * last sent, so a client that reconnects (after the lifetime bound, a restart, a dropped
 * connection) gets the current state first and misses nothing it needs.
 */
import { isTerminal } from './decisions.js';
import type { PredictionView } from './schema.js';

/**
 * Whether `Accept` names `text/event-stream` (with a quality above zero). Anything else,
 * wildcards included, gets the prediction as JSON, which is what the official SDK reads.
 */
export function wantsEventStream(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'text/event-stream' && !parameters.some((parameter) => /^q=0(\.0{0,3})?$/.test(parameter));
  });
}

export type StreamEvent =
  | { event: 'status'; data: PredictionView }
  | { event: 'output'; data: unknown }
  | { event: 'done'; data: { id: string; status: PredictionView['status'] } }
  | { event: 'error'; data: { error_id: 'NOT_FOUND'; message: string } };

export interface StreamStep {
  events: StreamEvent[];
  /** True when the stream ends after these events. */
  end: boolean;
}

/**
 * `sent`: the prediction as last sent (undefined before the first look). `current`: as it is
 * now (undefined once it is deleted). `expired`: the stream's lifetime is over.
 *
 * - `status` (the whole prediction) when its status or `updated_at` changed, and first of all;
 * - `output` when its output changed and is not null;
 * - `done` at a terminal status, and the stream ends: nothing can change any more;
 * - `error` when it was deleted meanwhile, and the stream ends;
 * - past its lifetime the stream ends with no event: the client reconnects for more.
 */
export function nextStreamStep(sent: PredictionView | undefined, current: PredictionView | undefined, expired: boolean): StreamStep {
  if (current === undefined) {
    return { events: [{ event: 'error', data: { error_id: 'NOT_FOUND', message: 'The prediction was deleted' } }], end: true };
  }
  const events: StreamEvent[] = [];
  if (sent === undefined || sent.status !== current.status || sent.updated_at !== current.updated_at) {
    events.push({ event: 'status', data: current });
  }
  if (current.output !== null && JSON.stringify(current.output) !== JSON.stringify(sent?.output ?? null)) {
    events.push({ event: 'output', data: current.output });
  }
  if (isTerminal(current.status)) {
    events.push({ event: 'done', data: { id: current.id, status: current.status } });
    return { events, end: true };
  }
  return { events, end: expired };
}
