/**
 * The flush job: every batch in turn (last-used, usage, security events), each failure
 * logged and kept for the next run, with the longest event-loop stall during the flush
 * recorded (`batch_flush_event_loop_stall_seconds`), so a flush that blocks requests shows.
 */
import type { Logger } from 'pino';
import type { EventLoopStalls } from '../http/metrics.js';

export interface Flushable {
  readonly name: string;
  flush(): Promise<void>;
}

export function flushJob(batches: readonly Flushable[], stalls: EventLoopStalls, logger: Logger): () => Promise<void> {
  return async () => {
    stalls.flushStarted();
    try {
      for (const batch of batches) {
        try {
          await batch.flush();
        } catch (error) {
          logger.error({ err: error, batch: batch.name }, 'batch flush failed; records kept for the next flush');
        }
      }
    } finally {
      stalls.flushEnded();
    }
  };
}
