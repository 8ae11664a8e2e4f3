/**
 * Device approval for `skytells login`. A code in the link (`?user_code=`) is only a
 * suggestion: a phishing link carries the attacker's code. Nothing is looked up until the user
 * confirms it matches the code in their terminal, and the code is shown again beside Approve.
 * Signing in first is handled by the console: this page is only reached signed in.
 */
import { type FormEvent, useState } from 'react';
import { type ApiError, api, type DeviceGrant } from '../api.ts';
import { useLocation } from '../router.tsx';
import { asApiError, ErrorMessage } from '../ui.tsx';

type Step = { kind: 'enter' } | { kind: 'check'; code: string } | { kind: 'confirm'; grant: DeviceGrant } | { kind: 'done'; approved: boolean };

export function DevicePage() {
  const { search } = useLocation();
  const linked = search.get('user_code');
  const [step, setStep] = useState<Step>(linked ? { kind: 'check', code: linked } : { kind: 'enter' });
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const lookUp = (code: string) =>
    run(async () => {
      const grant = await api<DeviceGrant>('GET', `/api/oauth/device/${encodeURIComponent(code.trim().toUpperCase())}`);
      setStep({ kind: 'confirm', grant });
    });
  const decide = (grant: DeviceGrant, approve: boolean) =>
    run(async () => {
      await api('POST', `/api/oauth/device/${encodeURIComponent(grant.user_code)}/${approve ? 'approve' : 'deny'}`);
      setStep({ kind: 'done', approved: approve });
    });

  if (step.kind === 'enter') {
    const submit = (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      void lookUp(String(new FormData(event.currentTarget).get('code') ?? ''));
    };
    return (
      <form onSubmit={submit} className="stack narrow-form">
        <label>
          Code shown by <code>skytells login</code>
          <input name="code" required autoComplete="off" autoCapitalize="characters" placeholder="BCDF-GHJK" />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Continue
        </button>
      </form>
    );
  }
  if (step.kind === 'check') {
    return (
      <div className="stack narrow-form">
        <p>Check that this code is the one your terminal shows:</p>
        <p className="code">{step.code}</p>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" onClick={() => setStep({ kind: 'enter' })}>
            It does not match
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void lookUp(step.code)}>
            It matches
          </button>
        </div>
      </div>
    );
  }
  if (step.kind === 'confirm') {
    const { grant } = step;
    return (
      <div className="stack narrow-form">
        <p>
          Code <span className="code">{grant.user_code}</span>
        </p>
        <p>
          <strong>{grant.client_name}</strong> asks for a personal access token with these scopes:
        </p>
        <ul className="scopes">
          {grant.scopes.map((scope) => (
            <li key={scope}>
              <code>{scope}</code>
            </li>
          ))}
        </ul>
        <p className="warning">Approve only if you started this login yourself and the code above is the one in your terminal.</p>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" disabled={busy} onClick={() => void decide(grant, false)}>
            Deny
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void decide(grant, true)}>
            Approve
          </button>
        </div>
      </div>
    );
  }
  return (
    <p role="status" className={step.approved ? 'success' : ''}>
      {step.approved ? 'Approved. You can return to your terminal.' : 'Denied. The CLI will not get a token.'}
    </p>
  );
}
