/** Pure decisions about predictions; the routes apply them. */
import type { Selectable } from 'kysely';
import { isoTime } from '../../http/values.js';
import type { PredictionsTable } from '../../store/schema.js';
import { nanosToUsd } from '../../usage/money.js';
import type { PredictionView } from './schema.js';

export type PredictionRow = Selectable<PredictionsTable>;

/** `origin`: PUBLIC_URL's origin, else the origin the request came to; `urls` are built on it. */
export function toPredictionView(row: PredictionRow, origin: string): PredictionView {
  const url = `${origin}/v1/predictions/${encodeURIComponent(row.id)}`;
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
    started_at: isoTime(row.started_at),
    updated_at: isoTime(row.updated_at),
    stream: row.stream === 1,
    urls: { get: url, cancel: `${url}/cancel`, stream: `${url}/stream`, delete: `${url}/delete` },
  };
}

const TERMINAL: ReadonlySet<PredictionRow['status']> = new Set(['succeeded', 'failed', 'canceled']);

/** A terminal prediction never changes again. */
export const isTerminal = (status: PredictionRow['status']): boolean => TERMINAL.has(status);

/** Only a prediction still running can be canceled; a finished one keeps its outcome. */
export type CancelDecision = { action: 'cancel'; at: number } | { action: 'refuse'; status: PredictionRow['status'] };

export function decideCancel(row: PredictionRow, now: number): CancelDecision {
  return row.status === 'queued' || row.status === 'processing' ? { action: 'cancel', at: now } : { action: 'refuse', status: row.status };
}

/** A charge is due only for a prediction that succeeded. */
export const chargeFor = (status: PredictionRow['status'], priceNanos: bigint): number => (status === 'succeeded' ? Number(priceNanos) : 0);
