/**
 * Settings → API Keys: the account's keys (searchable by name, paginated on the server, so
 * 10,000 keys cost one page of rows), generate, rotate and revoke.
 */
import { useEffect, useId, useState } from 'react';
import { type ApiKey, api, type Page, query } from '../api.ts';
import { Link, setQuery, useLocation } from '../router.tsx';
import { ConfirmDialog, DataTable, SecretDialog, Show, Time, useLoad } from '../ui.tsx';
import { CredentialStatus, FormDialog, GraceSelect, RotateRevoke } from './credential-parts.tsx';

const PER_PAGE = 20;

type Dialog =
  | { kind: 'generate' }
  | { kind: 'revoke'; key: ApiKey }
  | { kind: 'rotate'; key: ApiKey }
  | { kind: 'secret'; title: string; secret: string; key: ApiKey };

/** A revoked key's usage since it was created: the "audit recent usage" step after a leak. */
export const usageHref = (key: { id: string; created_at: string }) => `/usage${query({ key_id: key.id, from: key.created_at })}`;

export function ApiKeysPage() {
  const { search } = useLocation();
  const page = Number(search.get('page') ?? '1') || 1;
  const applied = search.get('search') ?? '';
  const [typed, setTyped] = useState(applied);
  const [dialog, setDialog] = useState<Dialog>();
  const [keys, reload, update] = useLoad(
    () => api<Page<ApiKey>>('GET', `/api/v1/keys${query({ page, per_page: PER_PAGE, search: applied })}`),
    `${page}|${applied}`,
  );
  // The search runs as the user types, a moment after the last keystroke.
  useEffect(() => {
    if (typed === applied) return;
    const timer = setTimeout(() => setQuery({ search: typed, page: undefined }), 250);
    return () => clearTimeout(timer);
  }, [typed, applied]);
  const replace = (changed: ApiKey) => update((data) => ({ ...data, data: data.data.map((k) => (k.id === changed.id ? changed : k)) }));

  return (
    <>
      <p className="lead">
        API keys authenticate your application's calls to the inference API (<code>x-api-key</code>). Keep them on your servers, never in a browser or
        an app.
      </p>
      <div className="toolbar">
        <label className="search">
          <span className="visually-hidden">Search keys by name</span>
          <input type="search" placeholder="Search by name" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'generate' })}>
          Generate New API Key
        </button>
      </div>
      <Show loaded={keys} what="API keys" retry={reload}>
        {({ data, pagination }) =>
          data.length === 0 ? (
            <p className="empty">{applied ? `No key's name contains “${applied}”.` : 'You have no API keys yet. Generate one to call the API.'}</p>
          ) : (
            <DataTable
              label="API keys"
              columns={['Name', 'Key', 'Created', 'Last used', 'Status', { name: 'Actions', hidden: true }]}
              paging={{ pagination, noun: 'keys', onPage: (p) => setQuery({ page: p }) }}
            >
              {data.map((key) => (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.masked_key}</code>
                  </td>
                  <td>
                    <Time iso={key.created_at} mode="day" />
                  </td>
                  <td>
                    <Time iso={key.last_used_at} never="Never used" />
                  </td>
                  <td>
                    <CredentialStatus status={key.status} revokedAt={key.revoked_at} />
                  </td>
                  <td>
                    <div className="row-actions">
                      {key.status === 'active' && key.revoked_at === null ? (
                        <RotateRevoke
                          name={key.name}
                          onRotate={() => setDialog({ kind: 'rotate', key })}
                          onRevoke={() => setDialog({ kind: 'revoke', key })}
                        />
                      ) : (
                        <Link href={usageHref(key)} aria-label={`Usage of ${key.name} since it was created`}>
                          Audit usage
                        </Link>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </Show>
      {dialog?.kind === 'generate' ? (
        <GenerateDialog
          onCancel={() => setDialog(undefined)}
          onCreated={(key, secret) => {
            setDialog({ kind: 'secret', title: 'Your new API key', secret, key });
            setTyped('');
            setQuery({ search: undefined, page: undefined });
            reload();
          }}
        />
      ) : null}
      {dialog?.kind === 'revoke' ? (
        <ConfirmDialog
          title={`Revoke “${dialog.key.name}”?`}
          action="Revoke key"
          onCancel={() => setDialog(undefined)}
          onConfirm={async () => {
            replace(await api<ApiKey>('DELETE', `/api/v1/keys/${dialog.key.id}`));
            setDialog(undefined);
          }}
        >
          <p>
            Requests with <code>{dialog.key.masked_key}</code> will be refused at once. <strong>This cannot be undone.</strong>
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'rotate' ? (
        <RotateDialog
          apiKey={dialog.key}
          onCancel={() => setDialog(undefined)}
          onRotated={(key, secret) => {
            setDialog({ kind: 'secret', title: `New key for “${key.name}”`, secret, key });
            reload();
          }}
        />
      ) : null}
      {dialog?.kind === 'secret' ? (
        <SecretDialog title={dialog.title} kind="API key" secret={dialog.secret} onClose={() => setDialog(undefined)} />
      ) : null}
    </>
  );
}

type Created = ApiKey & { key: string };

function GenerateDialog({ onCancel, onCreated }: { onCancel: () => void; onCreated: (key: ApiKey, secret: string) => void }) {
  const hintId = useId();
  return (
    <FormDialog
      title="Generate New API Key"
      action="Generate key"
      busyAction="Generating…"
      onCancel={onCancel}
      onSubmit={async (form) => {
        const { key, ...view } = await api<Created>('POST', '/api/v1/keys', { name: form.get('name') });
        onCreated(view, key);
      }}
    >
      <label>
        Name
        <input name="name" required maxLength={64} aria-describedby={hintId} />
      </label>
      <p id={hintId} className="muted">
        Name it after where it will run, e.g. <q>production-backend</q>, <q>staging</q> or <q>local-development</q>, so you know which to revoke.
      </p>
    </FormDialog>
  );
}

function RotateDialog({ apiKey, onCancel, onRotated }: { apiKey: ApiKey; onCancel: () => void; onRotated: (key: ApiKey, secret: string) => void }) {
  return (
    <FormDialog
      title={`Rotate “${apiKey.name}”`}
      action="Rotate key"
      busyAction="Rotating…"
      onCancel={onCancel}
      onSubmit={async (form) => {
        const { key, ...view } = await api<Created>('POST', `/api/v1/keys/${apiKey.id}/rotate`, { grace_period_seconds: Number(form.get('grace')) });
        onRotated(view, key);
      }}
    >
      <p>A new key with the same name replaces this one. Choose how long the old key keeps working while you deploy the new one.</p>
      <GraceSelect what="key" />
    </FormDialog>
  );
}
