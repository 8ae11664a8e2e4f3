/**
 * Reads a `text/event-stream` response body as parsed events, with eventsource-parser (bundled
 * into the SDK, so no runtime dependency) doing the framing.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Every event of `response`'s body, in order; cancels the body when the consumer stops early
 * or `signal` aborts (the iteration then just ends).
 */
export async function* readEvents(response: Response, signal?: AbortSignal): AsyncGenerator<EventSourceMessage> {
  const body = response.body;
  if (body === null) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) return;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as EventSourceMessage;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
  }
}
