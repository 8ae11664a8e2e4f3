/**
 * Security events noticed on the verify path (a rotated-out token still in use) must not
 * write there. They queue here and are written, each with an outbox notification, with the
 * other batches. One event per credential per flush is enough to warn the owner.
 */
import type { Kysely } from 'kysely';
import type { Metrics } from '../http/metrics.js';
import type { Database } from '../store/schema.js';
import { type AuditEvent, recordAuditWithNotification } from './record.js';

type TargetedEvent = AuditEvent & { target: { type: string; id: string } };

export class SecurityEventBatch {
  readonly name = 'security_events';
  private pending = new Map<string, TargetedEvent>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly metrics: Metrics,
  ) {}

  record(event: TargetedEvent): void {
    this.pending.set(`${event.type}:${event.target.id}`, event);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const event of batch.values()) await recordAuditWithNotification(trx, event);
      });
      this.metrics.batchFlushes.inc({ batch: this.name, outcome: 'ok' });
      this.metrics.batchFlushSize.observe(batch.size, { batch: this.name });
    } catch (error) {
      for (const [key, event] of batch) if (!this.pending.has(key)) this.pending.set(key, event);
      this.metrics.batchFlushes.inc({ batch: this.name, outcome: 'error' });
      throw error;
    }
  }
}
