/**
 * "Last used" facts collected off the verify path, merged per credential (the newest use
 * wins) and written by the writer (see store/write-jobs.ts) when the schedule flushes.
 *
 * Invariants:
 * - `record` never touches the database; a crash loses at most one flush interval of
 *   last-used data.
 * - A write never moves `last_used_at` backwards, so batches from several instances, a
 *   retried job or a late one leave the newest value in place.
 */
import type { Metrics } from '../http/metrics.js';
import { Batch } from '../jobs/batch.js';
import type { LastUsedJob, LastUsedTable } from '../store/write-jobs.js';
import type { Writer } from '../store/writer.js';

export type { LastUsedTable } from '../store/write-jobs.js';

export interface LastUse {
  at: number;
  ip: string | null;
  userAgent: string | null;
}

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
    // Ids are unique across both tables (their prefixes differ), so the id alone is the key.
    const previous = this.batch.get(id);
    if (previous === undefined) {
      this.batch.set(id, { table, id, at: use.at, ip: use.ip, userAgent: use.userAgent });
    } else if (previous.at <= use.at) {
      previous.at = use.at;
      previous.ip = use.ip;
      previous.userAgent = use.userAgent;
    }
  }
}
