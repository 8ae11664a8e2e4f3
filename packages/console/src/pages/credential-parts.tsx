/** What the API-key and token pages share: status, row actions, the form dialog, the grace period. */
import { type FormEvent, type ReactNode, useState } from 'react';
import type { ApiError } from '../api.ts';
import { asApiError, ErrorMessage, Modal, StatusBadge, Time } from '../ui.tsx';

/** The status, and when a rotation's grace period ends the old credential. */
export function CredentialStatus({ status, revokedAt }: { status: string; revokedAt: string | null }) {
  return (
    <>
      <StatusBadge status={status} />
      {status === 'active' && revokedAt !== null ? (
        <span className="muted small">
          {' '}
          ends <Time iso={revokedAt} />
        </span>
      ) : null}
    </>
  );
}

export function RotateRevoke({ name, onRotate, onRevoke }: { name: string; onRotate: () => void; onRevoke: () => void }) {
  return (
    <>
      <button type="button" onClick={onRotate} aria-label={`Rotate ${name}`}>
        Rotate
      </button>
      <button type="button" className="danger" onClick={onRevoke} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
    </>
  );
}

/** A dialog holding one form: its error shown in place, its button busy while the request runs. */
export function FormDialog({
  title,
  action,
  busyAction,
  onCancel,
  onSubmit,
  children,
}: {
  title: string;
  action: string;
  busyAction: string;
  onCancel: () => void;
  onSubmit: (form: FormData) => Promise<void>;
  children: ReactNode;
}) {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(new FormData(event.currentTarget));
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onRequestClose={onCancel}>
      <form onSubmit={submit} className="stack">
        {children}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? busyAction : action}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The grace periods offered when rotating: how long the old credential keeps working. */
const GRACE_PERIODS = [
  { seconds: 0, label: 'None: revoke the old one now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;

export function GraceSelect({ what }: { what: string }) {
  return (
    <label>
      Old {what} keeps working for
      <select name="grace" defaultValue="0">
        {GRACE_PERIODS.map((g) => (
          <option key={g.seconds} value={g.seconds}>
            {g.label}
          </option>
        ))}
      </select>
    </label>
  );
}
