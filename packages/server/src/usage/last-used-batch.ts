/**
 * "Last used" facts collected off the verify path, merged per credential (the newest use
 * wins) and written by the writer (see store/write-jobs.ts) when the schedule flushes.
 *
 * Invariants:
 * - `record` never touches the database; a crash loses at most one flush interval of
 *   last-used data.
 * - A write never moves `last_used_at` backwards, so batches from several instances, a
 *   retried job or a late one leave the newest value in place.
 * - A use the store would skip (less than `LAST_USED_RESOLUTION_MS` after the one this batch
 *   last took for the credential, from the same IP and user agent) is dropped here, so a key in
 *   steady use costs about one statement a minute, not one a flush. What was taken is
 *   forgotten every resolution period: the memory holds only the credentials used lately.
 */
import type { Metrics } from '../http/metrics.js';
import { Batch } from '../jobs/batch.js';
import { LAST_USED_RESOLUTION_MS, type LastUse, type LastUsedJob, type LastUsedTable, lastUseRewrites } from '../store/write-jobs.js';
import type { Writer } from '../store/writer.js';

export type { LastUsedTable } from '../store/write-jobs.js';

interface Entry extends LastUse {
  table: LastUsedTable;
  id: string;
}

/** One job per table a chunk of entries touches. */
function jobsOf(entries: Entry[]): LastUsedJob[] {
  const byTable = new Map<LastUsedTable, LastUsedJob>();
  for (const { table, id, at, ip, userAgent } of entries) {
    let job = byTable.get(table);
    if (job === undefined) {
      job = { op: 'last_used', table, ids: [], at: [], ips: [], userAgents: [] };
      byTable.set(table, job);
    }
    job.ids.push(id);
    job.at.push(at);
    job.ips.push(ip);
    job.userAgents.push(userAgent);
  }
  return [...byTable.values()];
}

export class LastUsedBatch {
  readonly batch: Batch<Entry, LastUsedJob[]>;
  /** The use last taken per credential id, since `forgetAt - LAST_USED_RESOLUTION_MS`. */
  private taken = new Map<string, LastUse>();
  private forgetAt = 0;

  constructor(writer: Writer, metrics: Metrics) {
    this.batch = new Batch(
      {
        name: 'last_used',
        rowsPerJob: 250,
        toJob: jobsOf,
        async write(jobs) {
          let written = 0;
          for (const job of jobs) written += await writer.apply(job);
          return written;
        },
        sizeOf: (jobs) => jobs.reduce((n, job) => n + job.ids.length, 0),
      },
      metrics,
    );
  }

  record(table: LastUsedTable, id: string, use: LastUse): void {
    if (use.at >= this.forgetAt) {
      this.taken = new Map();
      this.forgetAt = use.at + LAST_USED_RESOLUTION_MS;
    }
    // Ids are unique across both tables (their prefixes differ), so the id alone is the key.
    const taken = this.taken.get(id);
    if (taken !== undefined && !lastUseRewrites(taken, use)) return;
    const previous = this.batch.get(id);
    if (previous === undefined) {
      if (!this.batch.set(id, { table, id, at: use.at, ip: use.ip, userAgent: use.userAgent })) return;
    } else if (previous.at <= use.at) {
      previous.at = use.at;
      previous.ip = use.ip;
      previous.userAgent = use.userAgent;
    } else return;
    this.taken.set(id, use);
  }
}
