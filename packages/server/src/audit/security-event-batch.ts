/**
 * Security events noticed on the verify path (a rotated-out token still in use) must not
 * write there. They queue here and are written, each with an outbox notification, when the
 * schedule flushes the batches. One event per credential per flush is enough to warn the owner.
 */
import type { Kysely } from 'kysely';
import type { Metrics } from '../http/metrics.js';
import { Batch } from '../jobs/batch.js';
import type { Database } from '../store/schema.js';
import { type AuditEvent, recordAuditWithNotification } from './record.js';

type TargetedEvent = AuditEvent & { target: { type: string; id: string } };

export class SecurityEventBatch {
  readonly batch: Batch<TargetedEvent, TargetedEvent[]>;

  constructor(db: Kysely<Database>, metrics: Metrics) {
    this.batch = new Batch(
      {
        name: 'security_events',
        rowsPerJob: 100,
        toJob: (events) => events,
        async write(events) {
          await db.transaction().execute(async (trx) => {
            for (const event of events) await recordAuditWithNotification(trx, event);
          });
          return events.length;
        },
        sizeOf: (events) => events.length,
      },
      metrics,
    );
  }

  record(event: TargetedEvent): void {
    this.batch.set(`${event.type}:${event.target.id}`, event);
  }
}
