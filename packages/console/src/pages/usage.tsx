/**
 * Usage: a date range, the daily chart, requests and charges per key, and one key's request
 * groups (minute, IP, user agent, endpoint, model, status, count, charge) in the window: the
 * "audit recent usage" step after a suspected leak.
 */
import { lazy, Suspense, useMemo, useState } from 'react';
import { type ApiKey, api, type Page, query, type Token, type UsageAggregates, type UsageEvent, type UsagePrediction } from '../api.ts';
import { Link, setQuery, useLocation } from '../router.tsx';
import { asApiError, DataTable, ErrorMessage, Loading, Show, Time, useLoad } from '../ui.tsx';
import { formatUsd, toNanos } from './money.ts';
import type { Day } from './usage-chart.tsx';

// The chart library loads with the usage page only, not with the rest of the console.
const UsageChart = lazy(() => import('./usage-chart.tsx').then((module) => ({ default: module.UsageChart })));

const DAY_MS = 86_400_000;
/** Names looked up for the per-key table, at most: the table stays one screen of requests. */
const MAX_NAMES = 50;

/** `yyyy-mm-dd` of an instant in the browser's time zone, for a date input. */
const dateInput = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

function windowOf(search: URLSearchParams): { range: string; from: string; to: string } {
  const now = Date.now();
  const range = search.get('range') ?? (search.get('from') ? 'custom' : '7d');
  if (range === '30d' || range === '7d')
    return { range, from: new Date(now - (range === '7d' ? 7 : 30) * DAY_MS).toISOString(), to: new Date(now).toISOString() };
  const from = search.get('from') ?? new Date(now - 7 * DAY_MS).toISOString();
  // `to` is exclusive; a custom window ends now unless a later end was chosen.
  return { range: 'custom', from, to: search.get('to') ?? new Date(now + 60_000).toISOString() };
}

const usd = (charge: string) => formatUsd(toNanos(charge));

async function nameOf(id: string): Promise<string> {
  try {
    return (await api<ApiKey>('GET', `/api/v1/keys/${id}`)).name;
  } catch {
    try {
      return `${(await api<Token>('GET', `/api/v1/tokens/${id}`)).name} (token)`;
    } catch {
      return id;
    }
  }
}

export function UsagePage() {
  const { search, href } = useLocation();
  // Fixed per address: "now" is taken once, so the window (and what loads for it) holds still.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `href` is what `search` is read from.
  const { range, from, to } = useMemo(() => windowOf(search), [href]);
  const keyId = search.get('key_id') ?? undefined;
  const [usage, reload] = useLoad(
    async () => {
      const aggregates = await api<UsageAggregates>('GET', `/api/v1/usage${query({ from, to, key_id: keyId, granularity: 'day' })}`);
      const keyIds = [...new Set(aggregates.data.map((row) => row.key_id))];
      const names = new Map(await Promise.all(keyIds.slice(0, MAX_NAMES).map(async (id) => [id, await nameOf(id)] as const)));
      return { aggregates, names };
    },
    `${range}|${search.get('from')}|${search.get('to')}|${keyId}`,
  );

  return (
    <>
      <form className="toolbar range" onSubmit={(e) => e.preventDefault()} aria-label="Date range">
        <label>
          Range
          <select value={range} onChange={(e) => setQuery({ range: e.target.value, from: undefined, to: undefined })}>
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
            <option value="custom">Custom</option>
          </select>
        </label>
        {range === 'custom' ? (
          <>
            <label>
              From
              <input
                type="date"
                value={dateInput(Date.parse(from))}
                onChange={(e) => e.target.value && setQuery({ range: 'custom', from: new Date(`${e.target.value}T00:00:00`).toISOString() })}
              />
            </label>
            <label>
              To
              <input
                type="date"
                value={dateInput(Date.parse(to) - 1)}
                onChange={(e) =>
                  e.target.value && setQuery({ range: 'custom', to: new Date(Date.parse(`${e.target.value}T00:00:00`) + DAY_MS).toISOString() })
                }
              />
            </label>
          </>
        ) : null}
      </form>
      <p className="muted">
        <Time iso={from} mode="exact" /> to <Time iso={to} mode="exact" />
        {keyId ? (
          <>
            {' '}
            · one key only ·{' '}
            <Link
              href={`/usage${query({ range: search.get('range') ?? undefined, from: search.get('from') ?? undefined, to: search.get('to') ?? undefined })}`}
            >
              All keys
            </Link>
          </>
        ) : null}
      </p>
      <Show loaded={usage} what="usage" retry={reload}>
        {({ aggregates, names }) => <Aggregates aggregates={aggregates} names={names} from={from} to={to} search={search} />}
      </Show>
      {keyId ? (
        <>
          <Requests keyId={keyId} from={from} to={to} />
          <Predictions keyId={keyId} from={from} to={to} />
        </>
      ) : null}
    </>
  );
}

function Aggregates({
  aggregates,
  names,
  from,
  to,
  search,
}: {
  aggregates: UsageAggregates;
  names: Map<string, string>;
  from: string;
  to: string;
  search: URLSearchParams;
}) {
  const days = useMemo(() => {
    const byDay = new Map<number, Day>();
    // At least a week of days, so a short window (a key created today) still reads as a chart.
    const first = new Date(Math.min(Date.parse(from), Date.parse(to) - 7 * DAY_MS));
    const start = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate());
    for (let at = start; at < Date.parse(to); at += DAY_MS) byDay.set(at, { at: at / 1000, requests: 0, charge: 0 });
    for (const row of aggregates.data) {
      const day = byDay.get(Date.parse(row.period)) ?? { at: Date.parse(row.period) / 1000, requests: 0, charge: 0 };
      day.requests += row.requests;
      // Only drawn: the chart's scale is a float; the totals below stay exact.
      day.charge += Number(toNanos(row.charge)) / 1e9;
      byDay.set(Date.parse(row.period), day);
    }
    return [...byDay.values()].sort((a, b) => a.at - b.at);
  }, [aggregates, from, to]);
  const perKey = useMemo(() => {
    const rows = new Map<string, { key_id: string; requests: number; predictions: number; errors: number; charge: bigint }>();
    for (const row of aggregates.data) {
      const entry = rows.get(row.key_id) ?? { key_id: row.key_id, requests: 0, predictions: 0, errors: 0, charge: 0n };
      entry.requests += row.requests;
      entry.predictions += row.predictions;
      entry.errors += row.errors;
      entry.charge += toNanos(row.charge);
      rows.set(row.key_id, entry);
    }
    return [...rows.values()].sort((a, b) => b.requests - a.requests);
  }, [aggregates]);
  const { totals } = aggregates;
  return (
    <>
      <dl className="totals">
        <div>
          <dt>Requests</dt>
          <dd>{totals.requests.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Predictions</dt>
          <dd>{totals.predictions.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{totals.errors.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Charges</dt>
          <dd>{usd(totals.charge)}</dd>
        </div>
      </dl>
      <section aria-labelledby="daily-title">
        <h2 id="daily-title">Daily activity (UTC days)</h2>
        <Suspense fallback={<Loading what="the chart" />}>
          <UsageChart days={days} label={`Requests and charges per day: ${totals.requests} requests, ${usd(totals.charge)} in all`} />
        </Suspense>
      </section>
      <section aria-labelledby="per-key-title">
        <h2 id="per-key-title">Per key</h2>
        {perKey.length === 0 ? (
          <p className="empty">No requests in this window.</p>
        ) : (
          <DataTable
            label="Usage per key"
            columns={[
              'Key',
              { name: 'Requests', numeric: true },
              { name: 'Predictions', numeric: true },
              { name: 'Errors', numeric: true },
              { name: 'Charges', numeric: true },
              { name: 'Details', hidden: true },
            ]}
          >
            {perKey.map((row) => {
              const name = names.get(row.key_id) ?? row.key_id;
              const href = `/usage${query({ range: search.get('range') ?? undefined, from: search.get('from') ?? undefined, to: search.get('to') ?? undefined, key_id: row.key_id })}`;
              return (
                <tr key={row.key_id}>
                  <th scope="row">{name}</th>
                  <td className="num">{row.requests.toLocaleString()}</td>
                  <td className="num">{row.predictions.toLocaleString()}</td>
                  <td className="num">{row.errors.toLocaleString()}</td>
                  <td className="num">{formatUsd(row.charge)}</td>
                  <td>
                    <Link href={href} aria-label={`Requests of ${name}`}>
                      Requests
                    </Link>
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </section>
    </>
  );
}

interface EventsPage {
  data: UsageEvent[];
  next_cursor: string | null;
}

function Requests({ keyId, from, to }: { keyId: string; from: string; to: string }) {
  const [first, reload] = useLoad(
    () => api<EventsPage>('GET', `/api/v1/usage/events${query({ key_id: keyId, from, to, per_page: 50 })}`),
    `${keyId}|${from}|${to}`,
  );
  const [more, setMore] = useState<{ key: string; rows: UsageEvent[]; cursor: string | null }>();
  const [error, setError] = useState<ReturnType<typeof asApiError>>();
  const [busy, setBusy] = useState(false);
  const windowKey = `${keyId}|${from}|${to}`;
  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">Requests of this key, per minute</h2>
      <Show loaded={first} what="requests" retry={reload}>
        {(page) => {
          const extra = more?.key === windowKey ? more : undefined;
          const rows = [...page.data, ...(extra?.rows ?? [])];
          const cursor = extra ? extra.cursor : page.next_cursor;
          if (rows.length === 0) return <p className="empty">No requests from this key in this window.</p>;
          return (
            <>
              <DataTable
                label="Requests per minute"
                columns={[
                  'Minute',
                  'IP',
                  'User agent',
                  'Endpoint',
                  'Model',
                  'Status',
                  { name: 'Requests', numeric: true },
                  { name: 'Predictions', numeric: true },
                  { name: 'Charge', numeric: true },
                ]}
              >
                {rows.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <Time iso={event.minute} mode="exact" />
                    </td>
                    <td>{event.ip ?? '—'}</td>
                    <td className="wrap">{event.user_agent ?? '—'}</td>
                    <td>
                      <code>
                        {event.method} {event.route}
                      </code>
                    </td>
                    <td>{event.model ?? '—'}</td>
                    <td>{event.status_code}</td>
                    <td className="num">{event.requests}</td>
                    <td className="num">{event.predictions}</td>
                    <td className="num">{usd(event.charge)}</td>
                  </tr>
                ))}
              </DataTable>
              <ErrorMessage error={error} />
              {cursor ? (
                <button
                  type="button"
                  disabled={busy}
                  onClick={async () => {
                    setBusy(true);
                    setError(undefined);
                    try {
                      const next = await api<EventsPage>('GET', `/api/v1/usage/events${query({ key_id: keyId, from, to, per_page: 50, cursor })}`);
                      setMore({ key: windowKey, rows: [...(extra?.rows ?? []), ...next.data], cursor: next.next_cursor });
                    } catch (e) {
                      setError(asApiError(e));
                    } finally {
                      setBusy(false);
                    }
                  }}
                >
                  {busy ? 'Loading…' : 'Load more'}
                </button>
              ) : null}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Predictions({ keyId, from, to }: { keyId: string; from: string; to: string }) {
  const [page, setPage] = useState(1);
  const [predictions, reload] = useLoad(
    () => api<Page<UsagePrediction>>('GET', `/api/v1/usage/predictions${query({ key_id: keyId, from, to, page, per_page: 20 })}`),
    `${keyId}|${from}|${to}|${page}`,
  );
  return (
    <section aria-labelledby="predictions-title">
      <h2 id="predictions-title">Predictions of this key</h2>
      <Show loaded={predictions} what="predictions" retry={reload}>
        {({ data, pagination }) =>
          data.length === 0 ? (
            <p className="empty">No predictions from this key in this window.</p>
          ) : (
            <DataTable
              label="Predictions"
              columns={['Created', 'Prediction', 'Model', 'Status', { name: 'Charge', numeric: true }]}
              paging={{ pagination, noun: 'predictions', onPage: setPage }}
            >
              {data.map((prediction) => (
                <tr key={prediction.id}>
                  <td>
                    <Time iso={prediction.created_at} mode="exact" />
                  </td>
                  <td>
                    <code>{prediction.id}</code>
                  </td>
                  <td>{prediction.model}</td>
                  <td>{prediction.status}</td>
                  <td className="num">{usd(prediction.charge)}</td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Show>
    </section>
  );
}
