import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Session, loadSession, saveSession, setUnauthorizedHandler } from './api.ts';
import { LANGUAGES, setLanguage, type UiLanguage } from './i18n.ts';
import { startLive, stopLive, useLiveConnected } from './live.ts';
import { PAGES, canSee, homeOf } from './roles.ts';
import { match, navigate, usePath } from './router.ts';
import { Link } from './components/Link.tsx';
import { SessionContext } from './session.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { Loading } from './components/Notice.tsx';
import { CampaignsPage } from './pages/CampaignsPage.tsx';
import { AlertsPage } from './pages/AlertsPage.tsx';
import { FeedsPage } from './pages/FeedsPage.tsx';
import { PlaysPage } from './pages/PlaysPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { UsersPage } from './pages/UsersPage.tsx';

// The pages with a map, charts or the schedule library load on first use: the login page and the
// lists stay small.
const CampaignEditPage = lazy(() =>
  import('./pages/CampaignEditPage.tsx').then((m) => ({ default: m.CampaignEditPage })),
);
const WhatsPlayingPage = lazy(() =>
  import('./pages/WhatsPlayingPage.tsx').then((m) => ({ default: m.WhatsPlayingPage })),
);
const FleetPage = lazy(() => import('./pages/FleetPage.tsx').then((m) => ({ default: m.FleetPage })));
const ScreenPage = lazy(() => import('./pages/ScreenPage.tsx').then((m) => ({ default: m.ScreenPage })));

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const path = usePath();

  const logout = useCallback(() => {
    saveSession(null);
    stopLive();
    setSession(null);
    navigate('/login', true);
  }, []);

  useEffect(() => setUnauthorizedHandler(logout), [logout]);
  useEffect(() => {
    if (session) startLive();
  }, [session]);

  if (!session) {
    return (
      <LoginPage
        onLogin={(s) => {
          saveSession(s);
          setSession(s);
          const next = path.startsWith('/login') || path === '/' ? homeOf(s.role) : path;
          navigate(canSee(s.role, next) ? next : homeOf(s.role), true);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={{ session, logout }}>
      <Shell session={session} path={path} logout={logout} />
    </SessionContext.Provider>
  );
}

function Shell({ session, path, logout }: { session: Session; path: string; logout: () => void }) {
  const { t, i18n } = useTranslation();
  const live = useLiveConnected();
  const bare = path.split('?')[0] ?? '/';
  useEffect(() => {
    if (bare === '/' || bare === '/login') navigate(homeOf(session.role), true);
  }, [bare, session.role]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className={`live ${live ? 'on' : 'off'}`} role="status">
          <span aria-hidden="true">{live ? '●' : '○'}</span> {live ? t('app.live') : t('app.notLive')}
        </span>
        <div className="topbar-right">
          <label className="lang">
            <span className="sr-only">{t('app.language')}</span>
            <select
              value={i18n.language}
              onChange={(e) => setLanguage(e.target.value as UiLanguage)}
              aria-label={t('app.language')}
            >
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <span className="who">
            {session.username} · {t(`role.${session.role}`)}
          </span>
          <button type="button" className="secondary" onClick={logout}>
            {t('app.logout')}
          </button>
        </div>
      </header>
      <nav className="sidenav" aria-label={t('app.mainNav')}>
        <ul>
          {PAGES.filter((p) => p.roles.includes(session.role)).map((p) => (
            <li key={p.path}>
              <Link
                href={p.path}
                aria-current={bare === p.path || bare.startsWith(`${p.path}/`) ? 'page' : undefined}
              >
                {t(p.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          {canSee(session.role, bare) ? <Route path={bare} /> : <Forbidden />}
        </Suspense>
      </main>
    </div>
  );
}

function Route({ path }: { path: string }) {
  if (path === '/campaigns') return <CampaignsPage />;
  if (path === '/campaigns/new') return <CampaignEditPage id={null} />;
  const campaign = match('/campaigns/:id', path);
  if (campaign) return <CampaignEditPage id={campaign.id ?? null} key={campaign.id} />;
  if (path === '/whats-playing') return <WhatsPlayingPage />;
  if (path === '/fleet') return <FleetPage />;
  const screen = match('/fleet/:id', path);
  if (screen) return <ScreenPage id={screen.id ?? ''} key={screen.id} />;
  if (path === '/alerts') return <AlertsPage />;
  if (path === '/feeds') return <FeedsPage />;
  if (path === '/plays') return <PlaysPage />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/users') return <UsersPage />;
  return <NotFound />;
}

function Forbidden() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('errors.forbiddenTitle')}</h1>
      <p>{t('errors.forbidden')}</p>
    </section>
  );
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('errors.notFoundTitle')}</h1>
      <p>{t('errors.notFound')}</p>
    </section>
  );
}
