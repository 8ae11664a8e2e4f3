/**
 * The one schedule of background work: batch flushes, the usage rollup, token expiry
 * notices, the sweep of expired rows and, on PostgreSQL, the invalidation listener's
 * heartbeat and log pruning. Started and stopped in one place (server.ts); every job is
 * told the time by the injected clock.
 *
 * Invariants:
 * - A job never runs twice at once: `runNow` waits for a run in progress, then runs again
 *   (so "flush now" always covers what was recorded before it was called).
 * - A job's failure is logged and does not stop the schedule; the next run retries.
 * - Timers do not keep the process alive, and `stop` waits for runs in progress.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';

export interface Job {
  name: string;
  everyMs: number;
  /** Delay before the first run; `everyMs` by default. */
  firstAfterMs?: number;
  run(now: number): Promise<unknown>;
}

export class Schedule {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = true;

  constructor(
    private readonly jobs: readonly Job[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    for (const job of this.jobs) this.arm(job, job.firstAfterMs ?? job.everyMs);
  }

  /** Runs `name` now (after any run in progress); resolves when it has finished, failed or not. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (job === undefined) throw new Error(`no scheduled job named ${name}`);
    for (let current = this.running.get(name); current !== undefined; current = this.running.get(name)) await current;
    const run = job
      .run(this.clock.now())
      .then(
        () => {},
        (error: unknown) => this.logger.error({ err: error, job: name }, 'scheduled job failed; it runs again at its next time'),
      )
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    await run;
  }

  /** No further runs are started; resolves once the runs in progress have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
  }

  private arm(job: Job, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(job.name);
      void this.runNow(job.name).finally(() => {
        if (!this.stopped) this.arm(job, job.everyMs);
      });
    }, delayMs);
    timer.unref();
    this.timers.set(job.name, timer);
  }
}
