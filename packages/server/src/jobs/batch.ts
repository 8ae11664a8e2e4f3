/**
 * The one batch-writer helper: records merged in memory by key off the request path, and
 * written in jobs when the schedule flushes. Last-used times, usage groups and security
 * events each are one `Batch` with their own merge rule and job writer.
 *
 * Invariants:
 * - Recording never touches the database: a Map lookup and the caller's merge.
 * - A flush takes the pending records at once (later records start a new batch), cuts them
 *   into jobs of at most `rowsPerJob` records and writes one job at a time, so the main
 *   thread's share of a flush is a series of short steps with the event loop free between.
 * - A job that fails is kept whole, with its identity (a usage job keeps its ledger id), and
 *   retried before newer jobs at the next flush; nothing of it is merged into newer records.
 * - Memory is bounded while the database stays down: beyond `maxPending` keys new keys are
 *   dropped, and beyond `maxRetainedRows` the oldest failed jobs are; both are counted.
 */
import { performance } from 'node:perf_hooks';
import type { CounterSeries, EventLoopStalls, HistogramSeries, Metrics } from '../http/metrics.js';

export interface BatchSpec<R, J> {
  name: string;
  /** Builds one job from up to `rowsPerJob` records (on the main thread: keep it cheap). */
  toJob(records: R[]): J;
  /** Writes one job; resolves to the rows written. */
  write(job: J): Promise<number>;
  /** Records in a job, for the bounds and metrics. */
  sizeOf(job: J): number;
  /**
   * Takes the pending records in the order a flush writes them, for an owner that keeps that
   * order itself as it sets records (exactly the records set and not dropped). Without it, a
   * flush writes them in the order they were recorded. Called on the main thread when a flush
   * takes its records.
   */
  takeInWriteOrder?(): R[];
  rowsPerJob: number;
  maxPending?: number;
  maxRetainedRows?: number;
}

export class Batch<R, J> {
  readonly name: string;
  private pending = new Map<string, R>();
  private failed: J[] = [];
  private readonly ok: CounterSeries;
  private readonly error: CounterSeries;
  private readonly size: HistogramSeries;
  private readonly rows: CounterSeries;
  private readonly dropped: CounterSeries;
  private readonly stalls: EventLoopStalls;

  constructor(
    private readonly spec: BatchSpec<R, J>,
    metrics: Metrics,
  ) {
    this.name = spec.name;
    this.ok = metrics.batchFlushes.labels({ batch: spec.name, outcome: 'ok' });
    this.error = metrics.batchFlushes.labels({ batch: spec.name, outcome: 'error' });
    this.size = metrics.batchFlushSize.labels({ batch: spec.name });
    this.rows = metrics.batchRowsWritten.labels({ batch: spec.name });
    this.dropped = metrics.batchRecordsDropped.labels({ batch: spec.name });
    this.stalls = metrics.stalls;
  }

  /** Records waiting for the next flush (keys), not counting failed jobs. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** The pending record for `key`, to merge into in place. */
  get(key: string): R | undefined {
    return this.pending.get(key);
  }

  /** Sets the pending record for `key`; false (and counted) when the batch is full. */
  set(key: string, record: R): boolean {
    if (this.pending.size >= (this.spec.maxPending ?? 200_000) && !this.pending.has(key)) {
      this.dropped.inc();
      return false;
    }
    this.pending.set(key, record);
    return true;
  }

  /** Writes failed jobs first, then everything pending; rejects (keeping what is unwritten) on the first failure. */
  async flush(): Promise<void> {
    const jobs: J[] = this.failed;
    this.failed = [];
    const taking = performance.now();
    const records = this.spec.takeInWriteOrder?.() ?? [...this.pending.values()];
    this.pending = new Map();
    if (jobs.length === 0 && records.length === 0) return;
    // Taking the records is the flush's first synchronous step.
    this.stalls.step(performance.now() - taking);
    const { rowsPerJob } = this.spec;
    let built = 0;
    let next = 0;
    let written = 0;
    try {
      for (;;) {
        // Jobs are built one at a time, just before they are written.
        // The synchronous part of a step (building the job, handing it to the writer) is
        // all a flush asks of the event loop: it is timed.
        const stepStarted = performance.now();
        let job = jobs[next];
        if (job === undefined) {
          if (built >= records.length) break;
          job = this.spec.toJob(records.slice(built, built + rowsPerJob));
          jobs.push(job);
          built += rowsPerJob;
        }
        const writing = this.spec.write(job);
        this.stalls.step(performance.now() - stepStarted);
        written += await writing;
        next++;
      }
    } catch (error) {
      for (; built < records.length; built += rowsPerJob) jobs.push(this.spec.toJob(records.slice(built, built + rowsPerJob)));
      this.retain(jobs.slice(next));
      this.error.inc();
      throw error;
    } finally {
      this.rows.inc(written);
    }
    this.ok.inc();
    this.size.observe(records.length);
  }

  private retain(jobs: J[]): void {
    let rows = 0;
    for (const job of jobs) rows += this.spec.sizeOf(job);
    const max = this.spec.maxRetainedRows ?? 1_000_000;
    while (rows > max) {
      const dropped = jobs.shift();
      if (dropped === undefined) break;
      const oldest = this.spec.sizeOf(dropped);
      rows -= oldest;
      this.dropped.inc(oldest);
    }
    this.failed = jobs;
  }
}
