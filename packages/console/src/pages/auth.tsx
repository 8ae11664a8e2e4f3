/** Sign in and sign up: errors from the envelope shown beside the form; afterwards, back to `next`. */
import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../api.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { safeNext, useSession } from '../session.tsx';
import { asApiError, ErrorMessage } from '../ui.tsx';

function useSubmit(send: (form: FormData) => Promise<unknown>) {
  const session = useSession();
  const { search } = useLocation();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await send(new FormData(event.currentTarget));
      await session.refresh();
      navigate(safeNext(search.get('next')), { replace: true });
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };
  return { error, busy, onSubmit, next: search.get('next') };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

export function SignInPage() {
  const { error, busy, onSubmit, next } = useSubmit((form) =>
    api('POST', '/api/v1/auth/signin', { email: text(form, 'email'), password: text(form, 'password') }),
  );
  return (
    <main id="main" className="narrow">
      <h1>Sign in to Skytells</h1>
      <form onSubmit={onSubmit} className="stack">
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link href={`/auth/signup${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Create an account</Link>
      </p>
    </main>
  );
}

export function SignUpPage() {
  const { error, busy, onSubmit, next } = useSubmit((form) =>
    api('POST', '/api/v1/auth/signup', { name: text(form, 'name'), email: text(form, 'email'), password: text(form, 'password') }),
  );
  return (
    <main id="main" className="narrow">
      <h1>Create your Skytells account</h1>
      <form onSubmit={onSubmit} className="stack">
        <label>
          Name
          <input name="name" autoComplete="name" required maxLength={100} />
        </label>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required aria-describedby="password-hint" />
        </label>
        <p id="password-hint" className="muted">
          Use a long passphrase that is not your email or a common password.
        </p>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link href={`/auth/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`}>Sign in</Link>
      </p>
    </main>
  );
}
