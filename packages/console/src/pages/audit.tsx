/** Audit log: the account's credential and sign-in events, filtered by type and time, paginated. */
// The server's own list, bundled at build time: the filter offers exactly what the API accepts.
import { AUDIT_EVENT_TYPES } from '../../../server/src/audit/event-types.ts';
import { type AuditEvent, api, type Page, query } from '../api.ts';
import { setQuery, useLocation } from '../router.tsx';
import { DataTable, Show, Time, useLoad } from '../ui.tsx';

/** A local date-time input's value as an ISO instant (the browser's time zone). */
const instant = (local: string | null) => (local ? new Date(local).toISOString() : undefined);

function describe(event: AuditEvent): string {
  const details = Object.entries(event.metadata ?? {})
    .filter(([, value]) => value !== null && typeof value !== 'object')
    .map(([name, value]) => `${name}: ${String(value)}`);
  const target = event.target ? `${event.target.type} ${event.target.id}` : '';
  return [target, ...details].filter(Boolean).join(' · ');
}

export function AuditPage() {
  const { search } = useLocation();
  const page = Number(search.get('page') ?? '1') || 1;
  const type = search.get('type') ?? '';
  const from = search.get('from');
  const to = search.get('to');
  const [events, reload] = useLoad(
    () => api<Page<AuditEvent>>('GET', `/api/v1/audit${query({ page, per_page: 25, type, from: instant(from), to: instant(to) })}`),
    `${page}|${type}|${from}|${to}`,
  );
  return (
    <>
      <form className="toolbar filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type
          <select value={type} onChange={(e) => setQuery({ type: e.target.value, page: undefined })}>
            <option value="">All events</option>
            {AUDIT_EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={from ?? ''} onChange={(e) => setQuery({ from: e.target.value, page: undefined })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={to ?? ''} onChange={(e) => setQuery({ to: e.target.value, page: undefined })} />
        </label>
      </form>
      <Show loaded={events} what="audit events" retry={reload}>
        {({ data, pagination }) =>
          data.length === 0 ? (
            <p className="empty">No events match.</p>
          ) : (
            <DataTable
              label="Audit events"
              columns={['Time', 'Event', 'By', 'IP', 'Details']}
              paging={{ pagination, noun: 'events', onPage: (p) => setQuery({ page: p }) }}
            >
              {data.map((event) => (
                <tr key={event.id}>
                  <td>
                    <Time iso={event.created_at} mode="exact" />
                  </td>
                  <td>
                    <code>{event.type}</code>
                  </td>
                  <td>{event.actor.type.replaceAll('_', ' ')}</td>
                  <td>{event.ip ?? '—'}</td>
                  <td className="wrap">{describe(event)}</td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Show>
    </>
  );
}
