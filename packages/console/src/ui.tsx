/** Shared pieces: loading and error states, times, paging, dialogs and the once-only secret. */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { ApiError } from './api.ts';

export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; data: T };

export const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError ? error : new ApiError(0, error instanceof Error ? error.message : String(error), undefined, undefined);

/** Loads `load()` again whenever `key` changes; an older answer never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void, (update: (data: T) => T) => void] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names what the load depends on; `round` forces a reload.
  useEffect(() => {
    let current = true;
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    loader.current().then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'error', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => setState((s) => (s.status === 'ready' ? { status: 'ready', data: change(s.data) } : s)), []);
  return [state, reload, update];
}

export function ErrorMessage({ error }: { error: ApiError | undefined }) {
  if (error === undefined) return null;
  return (
    <div className="error" role="alert">
      <strong>{error.message}</strong>
      {error.details ? <span> — {error.details}</span> : null}
    </div>
  );
}

export const Loading = ({ what }: { what: string }) => (
  <p className="muted" role="status">
    Loading {what}…
  </p>
);

/** Renders a loaded value, or its loading or error state with a retry. */
export function Show<T>({ loaded, what, retry, children }: { loaded: Loaded<T>; what: string; retry: () => void; children: (data: T) => ReactNode }) {
  if (loaded.status === 'loading') return <Loading what={what} />;
  if (loaded.status === 'error') {
    return (
      <div>
        <ErrorMessage error={loaded.error} />
        <button type="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children(loaded.data)}</>;
}

const exact = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

export function relativeTime(iso: string, now = Date.now()): string {
  const delta = Date.parse(iso) - now;
  for (const [unit, ms] of UNITS) if (Math.abs(delta) >= ms || unit === 'second') return relative.format(Math.round(delta / ms), unit);
  return '';
}

export const exactTime = (iso: string): string => exact.format(new Date(iso));
export const dayOf = (iso: string): string => day.format(new Date(iso));

/** A time in the browser's time zone: relative, with the exact time on hover and for assistive tech. */
export function Time({ iso, never = '—', mode = 'relative' }: { iso: string | null; never?: string; mode?: 'relative' | 'day' | 'exact' }) {
  if (iso === null) return <span className="muted">{never}</span>;
  const text = mode === 'relative' ? relativeTime(iso) : mode === 'day' ? dayOf(iso) : exactTime(iso);
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {text}
    </time>
  );
}

function Pager({
  page,
  lastPage,
  total,
  onPage,
  noun,
}: {
  page: number;
  lastPage: number;
  total: number;
  onPage: (page: number) => void;
  noun: string;
}) {
  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span aria-live="polite">
        Page {page} of {lastPage} · {total.toLocaleString()} {noun}
      </span>
      <button type="button" disabled={page >= lastPage} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}

/**
 * A modal on the native <dialog>: focus moves into it and stays there, Escape asks to close.
 * `onRequestClose` decides whether it closes (the once-only secret asks first).
 */
export function Modal({ title, onRequestClose, children }: { title: string; onRequestClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onRequestClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

/** Copies through the Clipboard API, or (no API, or refused) through a selected text field. */
async function copyText(text: string, fallbackField: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (fallbackField === null) return false;
    fallbackField.focus();
    fallbackField.select();
    return document.execCommand('copy');
  }
}

/**
 * The full secret, shown once. It lives only in this component's props: never in storage, the
 * URL or any other state, so once the dialog closes the page no longer holds it. Closing before
 * copying asks first; leaving the page while it is shown asks the browser to warn.
 */
export function SecretDialog({
  title,
  kind,
  secret,
  onClose,
  children,
}: {
  title: string;
  kind: string;
  secret: string;
  onClose: () => void;
  children?: ReactNode;
}) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const [confirming, setConfirming] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  const fieldId = useId();
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);
  const requestClose = () => (copied === 'yes' ? onClose() : setConfirming(true));
  return (
    <Modal title={title} onRequestClose={requestClose}>
      <p className="warning" role="note">
        <strong>Copy your {kind} now.</strong> You will not be able to see it again: we store only a fingerprint of it. If you lose it, generate a new
        one.
      </p>
      {children}
      <label htmlFor={fieldId}>Your new {kind}</label>
      <div className="secret-row">
        <input id={fieldId} ref={field} className="secret" readOnly value={secret} spellCheck={false} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="primary" onClick={async () => setCopied((await copyText(secret, field.current)) ? 'yes' : 'failed')}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p aria-live="polite" className="muted">
        {copied === 'yes' ? `The ${kind} is on your clipboard.` : copied === 'failed' ? 'Copying failed: select the text and copy it yourself.' : ''}
      </p>
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-label="Close without copying?">
          <p>
            <strong>You have not copied this {kind}.</strong> Once you close this window it cannot be shown again.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setConfirming(false)}>
              Go back
            </button>
            <button type="button" className="danger" onClick={onClose}>
              Close without copying
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" onClick={requestClose}>
            {copied === 'yes' ? 'Done' : 'Close'}
          </button>
        </div>
      )}
    </Modal>
  );
}

/** A confirmation for an action that cannot be undone; the error stays in the dialog. */
export function ConfirmDialog({
  title,
  children,
  action,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  action: string;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <Modal title={title} onRequestClose={onCancel}>
      {children}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await onConfirm();
            } catch (e) {
              setError(asApiError(e));
              setBusy(false);
            }
          }}
        >
          {busy ? 'Working…' : action}
        </button>
      </div>
    </Modal>
  );
}

export const StatusBadge = ({ status }: { status: string }) => (
  <span className={`badge badge-${status}`}>{status[0]?.toUpperCase() + status.slice(1)}</span>
);

/** A table that may scroll sideways on a narrow screen: focusable, so the keyboard can scroll it too. */
const TableWrap = ({ label, children }: { label: string; children: ReactNode }) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard (WCAG 2.1.1).
  <section className="table-wrap" aria-label={label} tabIndex={0}>
    {children}
  </section>
);

export type Column = string | { name: string; numeric?: boolean; hidden?: boolean };

/**
 * A table named by `label` (its caption, for assistive tech), its column headers, its rows,
 * and, for a paginated list, the pager under it.
 */
export function DataTable({
  label,
  columns,
  children,
  paging,
}: {
  label: string;
  columns: Column[];
  children: ReactNode;
  paging?: { pagination: { current_page: number; last_page: number; total: number }; noun: string; onPage: (page: number) => void };
}) {
  return (
    <>
      <TableWrap label={`${label} table`}>
        <table>
          <caption className="visually-hidden">{label}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const { name, numeric, hidden } = typeof column === 'string' ? { name: column } : column;
                return (
                  <th key={name} scope="col" className={numeric ? 'num' : undefined}>
                    {hidden ? <span className="visually-hidden">{name}</span> : name}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </TableWrap>
      {paging ? (
        <Pager
          page={paging.pagination.current_page}
          lastPage={paging.pagination.last_page}
          total={paging.pagination.total}
          noun={paging.noun}
          onPage={paging.onPage}
        />
      ) : null}
    </>
  );
}
