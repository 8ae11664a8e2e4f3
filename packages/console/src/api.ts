/**
 * The console's only way to the server: the public management API, same origin, with the
 * session cookie. Browsers send `Origin` on same-origin POST and DELETE, which is what the
 * server's CSRF check asks of a cookie-authenticated change. Every failure becomes an
 * `ApiError` carrying the envelope's message and details, for the page to show in place.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string | undefined,
    readonly errorId: string | undefined,
  ) {
    super(message);
  }
}

interface Envelope {
  response?: string;
  error?: { message?: string; details?: string; error_id?: string };
}

/** Listeners told when any request answers 401: the session ended (signed out elsewhere, expired). */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached', 'Check your connection and try again', undefined);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `Unexpected answer from the server (HTTP ${response.status})`, undefined, undefined);
  }
  if (!response.ok) {
    const envelope = (parsed ?? {}) as Envelope;
    if (response.status === 401 && !path.startsWith('/api/v1/auth/')) for (const listener of signedOutListeners) listener();
    throw new ApiError(
      response.status,
      envelope.error?.message ?? envelope.response ?? `Request failed (HTTP ${response.status})`,
      envelope.error?.details,
      envelope.error?.error_id,
    );
  }
  return parsed as T;
}

export const query = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};

export interface Page<T> {
  data: T[];
  pagination: { current_page: number; per_page: number; total: number; last_page: number };
}

export interface Account {
  id: string;
  email: string;
  name: string;
  plan: string;
  created_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  masked_key: string;
  status: 'active' | 'revoked';
  created_at: string;
  last_used_at: string | null;
  last_used_ip: string | null;
  revoked_at: string | null;
  replaced_by: string | null;
}

export interface Token {
  id: string;
  name: string;
  masked_token: string;
  scopes: string[];
  status: 'active' | 'expired' | 'revoked';
  created_at: string;
  expires_at: string | null;
  expiring_soon: boolean;
  revoked_at: string | null;
  replaced_by: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
}

export interface ScopeCatalogue {
  data: Array<{ name: string; description: string }>;
  expiration: { windows_days: number[]; max_lifetime_days: number | null; allows_no_expiry: boolean };
}

export interface UsageAggregates {
  data: Array<{ period: string; key_id: string; requests: number; predictions: number; errors: number; charge: string }>;
  totals: { requests: number; predictions: number; errors: number; charge: string };
}

export interface UsageEvent {
  id: string;
  minute: string;
  key_id: string;
  credential_kind: 'api_key' | 'personal_access_token';
  ip: string | null;
  user_agent: string | null;
  method: string;
  route: string;
  model: string | null;
  status_code: number;
  requests: number;
  errors: number;
  predictions: number;
  charge: string;
}

export interface AuditEvent {
  id: string;
  type: string;
  actor: { type: string; id: string | null };
  ip: string | null;
  user_agent: string | null;
  target: { type: string; id: string } | null;
  metadata: Record<string, unknown> | null;
  created_at: string;
}

export interface DeviceGrant {
  user_code: string;
  client_name: string;
  scopes: string[];
  status: string;
  expires_at: string;
}

export interface UsagePrediction {
  id: string;
  model: string;
  status: string;
  charge: string;
  created_at: string;
  completed_at: string | null;
}
