/** Pure decisions about predictions; the routes apply them. */
import type { Selectable } from 'kysely';
import { isoTime } from '../../http/values.js';
import type { PredictionsTable } from '../../store/schema.js';
import { nanosToUsd } from '../../usage/money.js';
import type { PredictionView } from './schema.js';

export type PredictionRow = Selectable<PredictionsTable>;

export function toPredictionView(row: PredictionRow): PredictionView {
  return {
    id: row.id,
    model: row.model,
    status: row.status,
    input: row.input === null ? null : JSON.parse(row.input),
    output: row.output === null ? null : JSON.parse(row.output),
    error: row.error,
    charge: nanosToUsd(row.charge_nanos),
    sandbox: row.executor === 'sandbox',
    created_at: isoTime(row.created_at),
    completed_at: isoTime(row.completed_at),
  };
}

/** Only a prediction still running can be canceled; a finished one keeps its outcome. */
export type CancelDecision = { action: 'cancel'; at: number } | { action: 'refuse'; status: PredictionRow['status'] };

export function decideCancel(row: PredictionRow, now: number): CancelDecision {
  return row.status === 'queued' || row.status === 'processing' ? { action: 'cancel', at: now } : { action: 'refuse', status: row.status };
}

/** A charge is due only for a prediction that succeeded. */
export const chargeFor = (status: PredictionRow['status'], priceNanos: bigint): number => (status === 'succeeded' ? Number(priceNanos) : 0);
