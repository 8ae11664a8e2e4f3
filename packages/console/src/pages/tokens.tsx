/**
 * Settings → Tokens: personal access tokens for the CLI and scripts. Scopes and their meanings,
 * and the expiration windows allowed, come from the server (GET /api/v1/scopes).
 */
import { useState } from 'react';
import { api, type Page, query, type ScopeCatalogue, type Token } from '../api.ts';
import { setQuery, useLocation } from '../router.tsx';
import { ConfirmDialog, DataTable, SecretDialog, Show, Time, useLoad } from '../ui.tsx';
import { CredentialStatus, FormDialog, GraceSelect, RotateRevoke } from './credential-parts.tsx';

type Dialog =
  | { kind: 'create' }
  | { kind: 'revoke'; token: Token }
  | { kind: 'rotate'; token: Token }
  | { kind: 'secret'; title: string; secret: string };
type Created = Token & { token: string };

export function TokensPage() {
  const { search } = useLocation();
  const page = Number(search.get('page') ?? '1') || 1;
  const [dialog, setDialog] = useState<Dialog>();
  const [tokens, reload, update] = useLoad(() => api<Page<Token>>('GET', `/api/v1/tokens${query({ page, per_page: 20 })}`), String(page));
  const [catalogue, reloadCatalogue] = useLoad(() => api<ScopeCatalogue>('GET', '/api/v1/scopes'), 'scopes');
  const meaning = (scope: string) => (catalogue.status === 'ready' ? catalogue.data.data.find((s) => s.name === scope)?.description : undefined);

  return (
    <>
      <p className="lead">
        Personal access tokens let the <code>skytells</code> CLI and your scripts manage this account (<code>Authorization: Bearer</code>). Give each
        the fewest scopes it needs and an expiry.
      </p>
      <div className="toolbar">
        <span />
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          Create token
        </button>
      </div>
      <Show loaded={tokens} what="tokens" retry={reload}>
        {({ data, pagination }) =>
          data.length === 0 ? (
            <p className="empty">You have no personal access tokens yet.</p>
          ) : (
            <DataTable
              label="Personal access tokens"
              columns={['Name', 'Token', 'Scopes', 'Expires', 'Last used', 'Status', { name: 'Actions', hidden: true }]}
              paging={{ pagination, noun: 'tokens', onPage: (p) => setQuery({ page: p }) }}
            >
              {data.map((token) => (
                <tr key={token.id}>
                  <th scope="row">{token.name}</th>
                  <td>
                    <code>{token.masked_token}</code>
                  </td>
                  <td>
                    <ul className="scopes">
                      {token.scopes.map((scope) => (
                        <li key={scope} title={meaning(scope)}>
                          <code>{scope}</code>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <Time iso={token.expires_at} never="Never" mode="day" />
                    {token.expiring_soon && token.status === 'active' ? <span className="badge badge-warning">Expiring soon</span> : null}
                  </td>
                  <td>
                    <Time iso={token.last_used_at} never="Never used" />
                  </td>
                  <td>
                    <CredentialStatus status={token.status} revokedAt={token.revoked_at} />
                  </td>
                  <td>
                    <div className="row-actions">
                      {token.status === 'active' && token.revoked_at === null ? (
                        <RotateRevoke
                          name={token.name}
                          onRotate={() => setDialog({ kind: 'rotate', token })}
                          onRevoke={() => setDialog({ kind: 'revoke', token })}
                        />
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Show>
      {dialog?.kind === 'create' ? (
        <Show loaded={catalogue} what="scopes" retry={reloadCatalogue}>
          {(scopes) => (
            <CreateDialog
              catalogue={scopes}
              onCancel={() => setDialog(undefined)}
              onCreated={(secret) => {
                setDialog({ kind: 'secret', title: 'Your new personal access token', secret });
                reload();
              }}
            />
          )}
        </Show>
      ) : null}
      {dialog?.kind === 'rotate' ? (
        <RotateDialog
          token={dialog.token}
          meaning={meaning}
          onCancel={() => setDialog(undefined)}
          onRotated={(secret) => {
            setDialog({ kind: 'secret', title: `New token for “${dialog.token.name}”`, secret });
            reload();
          }}
        />
      ) : null}
      {dialog?.kind === 'revoke' ? (
        <ConfirmDialog
          title={`Revoke “${dialog.token.name}”?`}
          action="Revoke token"
          onCancel={() => setDialog(undefined)}
          onConfirm={async () => {
            const revoked = await api<Token>('DELETE', `/api/v1/tokens/${dialog.token.id}`);
            update((d) => ({ ...d, data: d.data.map((t) => (t.id === revoked.id ? revoked : t)) }));
            setDialog(undefined);
          }}
        >
          <p>
            Anything using <code>{dialog.token.masked_token}</code> loses access at once. <strong>This cannot be undone.</strong>
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'secret' ? (
        <SecretDialog title={dialog.title} kind="token" secret={dialog.secret} onClose={() => setDialog(undefined)} />
      ) : null}
    </>
  );
}

function ScopeBoxes({
  scopes,
  checked,
  meaning,
}: {
  scopes: string[];
  checked: (scope: string) => boolean;
  meaning: (scope: string) => string | undefined;
}) {
  return (
    <fieldset className="scope-list">
      <legend>Scopes</legend>
      {scopes.map((scope) => (
        <label key={scope} className="check">
          <input type="checkbox" name="scopes" value={scope} defaultChecked={checked(scope)} />
          <span>
            <code>{scope}</code>
            <span className="muted small"> {meaning(scope)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** The end of the chosen day in the browser's time zone, as an ISO instant. */
const endOfDay = (date: string): string => new Date(`${date}T23:59:59`).toISOString();

function CreateDialog({ catalogue, onCancel, onCreated }: { catalogue: ScopeCatalogue; onCancel: () => void; onCreated: (secret: string) => void }) {
  const { windows_days, max_lifetime_days, allows_no_expiry } = catalogue.expiration;
  const [expiry, setExpiry] = useState(String(windows_days.includes(30) ? 30 : (windows_days[0] ?? 'custom')));
  const today = Date.now();
  const min = new Date(today + 86_400_000).toISOString().slice(0, 10);
  const max = max_lifetime_days === null ? undefined : new Date(today + max_lifetime_days * 86_400_000).toISOString().slice(0, 10);
  const meaning = (scope: string) => catalogue.data.find((s) => s.name === scope)?.description;
  return (
    <FormDialog
      title="Create personal access token"
      action="Create token"
      busyAction="Creating…"
      onCancel={onCancel}
      onSubmit={async (form) => {
        const expiration =
          expiry === 'none'
            ? { expires_at: null }
            : expiry === 'custom'
              ? { expires_at: endOfDay(String(form.get('date'))) }
              : { expires_in_days: Number(expiry) };
        const created = await api<Created>('POST', '/api/v1/tokens', { name: form.get('name'), scopes: form.getAll('scopes'), ...expiration });
        onCreated(created.token);
      }}
    >
      <label>
        Name
        <input name="name" required maxLength={64} placeholder="e.g. deploy-script" />
      </label>
      <ScopeBoxes scopes={catalogue.data.map((s) => s.name)} checked={() => false} meaning={meaning} />
      <label>
        Expiration
        <select value={expiry} onChange={(e) => setExpiry(e.target.value)}>
          {windows_days.map((days) => (
            <option key={days} value={days}>
              {days === 365 ? '1 year' : `${days} days`}
            </option>
          ))}
          <option value="custom">Custom date…</option>
          {allows_no_expiry ? <option value="none">No expiration (not recommended)</option> : null}
        </select>
      </label>
      {expiry === 'custom' ? (
        <label>
          Expires at the end of
          <input name="date" type="date" required min={min} max={max} />
        </label>
      ) : null}
    </FormDialog>
  );
}

function RotateDialog({
  token,
  meaning,
  onCancel,
  onRotated,
}: {
  token: Token;
  meaning: (scope: string) => string | undefined;
  onCancel: () => void;
  onRotated: (secret: string) => void;
}) {
  return (
    <FormDialog
      title={`Rotate “${token.name}”`}
      action="Rotate token"
      busyAction="Rotating…"
      onCancel={onCancel}
      onSubmit={async (form) => {
        const rotated = await api<Created>('POST', `/api/v1/tokens/${token.id}/rotate`, {
          scopes: form.getAll('scopes'),
          grace_period_seconds: Number(form.get('grace')),
        });
        onRotated(rotated.token);
      }}
    >
      <p>The new token keeps these scopes; untick any it no longer needs. A rotation can narrow scopes, never widen them.</p>
      <ScopeBoxes scopes={token.scopes} checked={() => true} meaning={meaning} />
      <GraceSelect what="token" />
    </FormDialog>
  );
}
