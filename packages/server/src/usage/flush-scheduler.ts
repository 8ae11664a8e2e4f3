/**
 * Runs every batch's flush on a fixed interval and once more at shutdown. A flush that
 * fails is logged and retried on the next tick; its records stay queued.
 */
import type { Logger } from 'pino';

export interface Flushable {
  readonly name: string;
  flush(): Promise<void>;
}

export class FlushScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly batches: readonly Flushable[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flushAll(), this.intervalMs);
    this.timer.unref();
  }

  /** Flushes every batch; concurrent calls wait for the same run, then run once more. */
  async flushAll(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.runOnce();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushAll();
  }

  private async runOnce(): Promise<void> {
    for (const batch of this.batches) {
      try {
        await batch.flush();
      } catch (error) {
        this.logger.error({ err: error, batch: batch.name }, 'batch flush failed; records kept for the next flush');
      }
    }
  }
}
