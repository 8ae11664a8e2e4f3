/** The account: who is signed in, and the password change (which ends the other sessions). */
import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../api.ts';
import { useSession } from '../session.tsx';
import { asApiError, ErrorMessage, Time } from '../ui.tsx';

export function AccountPage() {
  const { state } = useSession();
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      if (data.get('new_password') !== data.get('confirm_password')) throw new Error('The new passwords do not match');
      await api('POST', '/api/v1/account/password', { current_password: data.get('current_password'), new_password: data.get('new_password') });
      form.reset();
      setDone(true);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  if (state.status !== 'signed-in') return null;
  return (
    <>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{state.account.name}</dd>
        <dt>Email</dt>
        <dd>{state.account.email}</dd>
        <dt>Plan</dt>
        <dd>{state.account.plan}</dd>
        <dt>Member since</dt>
        <dd>
          <Time iso={state.account.created_at} mode="day" />
        </dd>
      </dl>
      <section aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <form onSubmit={onSubmit} className="stack narrow-form">
          <label>
            Current password
            <input name="current_password" type="password" autoComplete="current-password" required />
          </label>
          <label>
            New password
            <input name="new_password" type="password" autoComplete="new-password" required />
          </label>
          <label>
            Repeat the new password
            <input name="confirm_password" type="password" autoComplete="new-password" required />
          </label>
          <ErrorMessage error={error} />
          {done ? (
            <p role="status" className="success">
              Password changed. Your other sessions were signed out.
            </p>
          ) : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </section>
    </>
  );
}
