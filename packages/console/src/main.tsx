import './styles.css';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { AccountPage } from './pages/account.tsx';
import { ApiKeysPage } from './pages/api-keys.tsx';
import { AuditPage } from './pages/audit.tsx';
import { SignInPage, SignUpPage } from './pages/auth.tsx';
import { DevicePage } from './pages/device.tsx';
import { TokensPage } from './pages/tokens.tsx';
import { UsagePage } from './pages/usage.tsx';
import { Link, navigate, useLocation } from './router.tsx';
import { SessionProvider, signInHref, useSession } from './session.tsx';
import { ErrorMessage, Loading } from './ui.tsx';

const NAV = [
  ['/settings/api-keys', 'API Keys'],
  ['/settings/tokens', 'Tokens'],
  ['/usage', 'Usage'],
  ['/audit', 'Audit log'],
  ['/account', 'Account'],
] as const;

const PAGES: Record<string, { title: string; render: () => React.ReactNode }> = {
  '/settings/api-keys': { title: 'API Keys', render: () => <ApiKeysPage /> },
  '/settings/tokens': { title: 'Tokens', render: () => <TokensPage /> },
  '/usage': { title: 'Usage', render: () => <UsagePage /> },
  '/audit': { title: 'Audit log', render: () => <AuditPage /> },
  '/account': { title: 'Account', render: () => <AccountPage /> },
  '/device': { title: 'Device login', render: () => <DevicePage /> },
};

function Shell() {
  const { pathname } = useLocation();
  const session = useSession();
  const path = pathname.replace(/\/$/, '') || '/';
  const page = PAGES[path === '/settings' ? '/settings/api-keys' : path];
  useEffect(() => {
    if (path === '/' || path === '/settings') navigate('/settings/api-keys', { replace: true });
  }, [path]);
  useEffect(() => {
    document.title = `${path === '/auth/signup' ? 'Sign up' : path === '/auth/signin' ? 'Sign in' : (page?.title ?? 'Not found')} · Skytells Console`;
  }, [path, page]);
  useEffect(() => {
    // A signed-out visitor goes to sign-in, and comes back here afterwards.
    if (page !== undefined && session.state.status === 'signed-out') navigate(signInHref(), { replace: true });
  }, [page, session.state.status]);

  if (path === '/auth/signin') return <SignInPage />;
  if (path === '/auth/signup') return <SignUpPage />;
  if (session.state.status === 'loading' || session.state.status === 'signed-out') {
    return (
      <main id="main" className="narrow">
        <Loading what="your account" />
      </main>
    );
  }
  if (session.state.status === 'error') {
    return (
      <main id="main" className="narrow">
        <ErrorMessage error={session.state.error} />
        <button type="button" onClick={() => void session.refresh()}>
          Try again
        </button>
      </main>
    );
  }
  const { account } = session.state;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/settings/api-keys" className="brand">
          Skytells
        </Link>
        <nav aria-label="Console">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link href={href} aria-current={path === href ? 'page' : undefined}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who" title={account.email}>
          {account.name}
        </span>
        <button type="button" onClick={() => session.signOut().catch((error: unknown) => window.alert(`Sign-out failed: ${String(error)}`))}>
          Sign out
        </button>
      </header>
      <main id="main">
        {page ? (
          <>
            <h1>{page.title}</h1>
            {page.render()}
          </>
        ) : path === '/' || path === '/settings' ? null : (
          <>
            <h1>Page not found</h1>
            <p>
              <Link href="/settings/api-keys">Go to your API keys</Link>
            </p>
          </>
        )}
      </main>
    </>
  );
}

const root = document.getElementById('root');
if (root === null) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <Shell />
    </SessionProvider>
  </StrictMode>,
);
