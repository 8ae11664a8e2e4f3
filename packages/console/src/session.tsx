/**
 * Who is signed in. The account is read from GET /api/v1/account; a 401 from it (or from any
 * later request) means signed out, and a console page then sends the visitor to sign-in with
 * the page to come back to.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type Account, ApiError, api, onSignedOut } from './api.ts';
import { navigate } from './router.tsx';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; account: Account }
  | { status: 'error'; error: ApiError };

interface Session {
  state: SessionState;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const refresh = useCallback(async () => {
    try {
      setState({ status: 'signed-in', account: await api<Account>('GET', '/api/v1/account') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'signed-out' });
      else setState({ status: 'error', error: error instanceof ApiError ? error : new ApiError(0, String(error), undefined, undefined) });
    }
  }, []);
  const signOut = useCallback(async () => {
    await api('POST', '/api/v1/auth/signout');
    setState({ status: 'signed-out' });
    navigate('/auth/signin');
  }, []);
  useEffect(() => {
    void refresh();
    return onSignedOut(() => setState({ status: 'signed-out' }));
  }, [refresh]);
  return <SessionContext.Provider value={{ state, refresh, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The sign-in link that comes back to the current page afterwards. */
export const signInHref = (): string => `/auth/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;

/** Only a path on this site: a `next` pointing elsewhere would make sign-in an open redirect. */
export const safeNext = (next: string | null): string =>
  next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/settings/api-keys';
