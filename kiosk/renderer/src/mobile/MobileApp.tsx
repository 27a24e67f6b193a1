import { type ReactElement, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useOptions } from '../context.ts';
import { useT } from '../i18n.ts';
import { type MobileRoute, type MobileView, formatRoute, parseRoute } from '../lib/handoff.ts';
import { loadPois, type Poi } from '../lib/pois.ts';
import { themeAt } from '../lib/sun.ts';
import { formatTime } from '../lib/time.ts';
import { useKiosk, useStoreApi } from '../store/index.ts';
import { newestObservation } from './feeds.ts';
import type { LatLon } from './geo.ts';
import { EventPage, EventsList, MobileMap, PlaceDetail, PlaceList } from './views.tsx';

const POIS = loadPois();
const NATIVE: Record<string, string> = { da: 'Dansk', en: 'English', de: 'Deutsch' };
const NAV: Array<{ view: MobileView; key: string }> = [
  { view: 'home', key: 'mobile.nav.home' },
  { view: 'transport', key: 'mobile.nav.transport' },
  { view: 'water', key: 'mobile.nav.water' },
  { view: 'parking', key: 'mobile.nav.parking' },
  { view: 'events', key: 'mobile.nav.events' },
  { view: 'map', key: 'mobile.nav.map' },
];

function subscribeHash(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): MobileRoute {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  return useMemo(() => parseRoute(hash), [hash]);
}

type Geo = { state: 'off' | 'asking' | 'denied' } | { state: 'on'; here: LatLon };

/** The visitor's position, only after they ask for it; never sent anywhere. */
function useGeo(): [Geo, () => void] {
  const [geo, setGeo] = useState<Geo>({ state: 'off' });
  const ask = useCallback(() => {
    if (!('geolocation' in navigator)) return setGeo({ state: 'denied' });
    setGeo({ state: 'asking' });
    navigator.geolocation.getCurrentPosition(
      (p) => setGeo({ state: 'on', here: { lat: p.coords.latitude, lon: p.coords.longitude } }),
      () => setGeo({ state: 'denied' }),
      { enableHighAccuracy: false, maximumAge: 60_000, timeout: 15_000 },
    );
  }, []);
  return [geo, ask];
}

function OfflineBanner() {
  const { t, lang } = useT();
  const linkUp = useKiosk((s) => s.linkUp);
  const newest = useKiosk((s) => (s.kiosk ? newestObservation(s.kiosk.feeds) : null));
  if (linkUp) return null;
  return (
    <p className="m-offline" role="status" data-offline="true">
      <strong>{t('mobile.offline')}.</strong>{' '}
      {newest === null ? t('fresh.missing') : t('fresh.stale', { time: formatTime(newest, lang) })}
    </p>
  );
}

function Header({ route }: { route: MobileRoute }) {
  const { t, lang } = useT();
  const store = useStoreApi();
  return (
    <header className="m-header">
      <a className="m-brand" href={formatRoute({ view: 'home', lang })}>
        {t('app.name')}
      </a>
      <fieldset className="m-lang">
        <legend className="sr-only">{t('top.language')}</legend>
        {['da', 'en', 'de'].map((l) => (
          <button
            key={l}
            type="button"
            lang={l}
            className="m-lang-btn"
            aria-pressed={l === lang}
            onClick={() => {
              store.getState().setLang(l);
              window.history.replaceState(null, '', formatRoute({ ...route, lang: l }));
            }}
          >
            {NATIVE[l]}
          </button>
        ))}
      </fieldset>
    </header>
  );
}

function Home({ geo, ask }: { geo: Geo; ask: () => void }) {
  const { t } = useT();
  const here = geo.state === 'on' ? geo.here : null;
  return (
    <main className="m-view" data-view="home" aria-labelledby="m-title">
      <h1 id="m-title" className="m-title">
        {t('mobile.near')}
      </h1>
      {geo.state !== 'on' && (
        <button type="button" className="m-btn" onClick={ask} disabled={geo.state === 'asking'}>
          {geo.state === 'asking' ? t('mobile.locating') : t('mobile.useLocation')}
        </button>
      )}
      {geo.state === 'denied' && <p className="calm">{t('mobile.locationOff')}</p>}
      {geo.state === 'on' && <p className="m-note">{t('mobile.nearestFirst')}</p>}
      <PlaceList kind="transport" pois={POIS} here={here} max={3} heading="h2" />
      <PlaceList kind="water" pois={POIS} here={here} max={3} heading="h2" />
      <PlaceList kind="parking" pois={POIS} here={here} max={3} heading="h2" />
    </main>
  );
}

/** The mobile companion: header with languages, offline banner, one view per route, a bottom tab bar. */
export function MobileApp({ onView }: { onView: (view: MobileView) => void }) {
  const route = useRoute();
  const { t, lang } = useT();
  const store = useStoreApi();
  const opts = useOptions();
  const [geo, ask] = useGeo();
  const here = geo.state === 'on' ? geo.here : null;
  const theme = useKiosk(
    (s) => opts.theme ?? themeAt(Math.floor(s.now / 60_000) * 60_000, here?.lat, here?.lon),
  );

  useEffect(() => {
    if (route.lang && route.lang !== store.getState().lang) store.getState().setLang(route.lang);
  }, [route.lang, store]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.name');
  }, [lang, t]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.profile = 'mobile';
  }, [theme]);
  useEffect(() => onView(route.view), [route.view, onView]);
  const place = formatRoute({ ...route, lang: null });
  useEffect(() => {
    if (place) window.scrollTo(0, 0); // a new place starts at its top
  }, [place]);
  // The kiosk's event detail closes itself through the store: follow it back to the list.
  useEffect(
    () =>
      store.subscribe((s, prev) => {
        if (prev.eventId && !s.eventId && parseRoute(window.location.hash).sub)
          window.location.hash = formatRoute({ view: 'events', lang: s.lang ?? undefined });
      }),
    [store],
  );
  useEffect(() => {
    store.getState().openEvent(route.view === 'events' ? route.sub : null);
  }, [route.view, route.sub, store]);

  const pick = useCallback(
    (p: Poi) => {
      window.location.hash = p.feed
        ? formatRoute({ view: p.feed, id: p.id, lang })
        : formatRoute({ view: 'events', lang });
    },
    [lang],
  );

  let body: ReactElement;
  if (route.view === 'home') body = <Home geo={geo} ask={ask} />;
  else if (route.view === 'map') body = <MobileMap pois={POIS} here={here} onPick={pick} />;
  else if (route.view === 'events')
    body = route.id && route.sub ? <EventPage route={route} /> : <EventsList />;
  else if (route.id) body = <PlaceDetail route={route} />;
  else
    body = (
      <main className="m-view" data-view={route.view} aria-labelledby={`m-list-${route.view}`}>
        <PlaceList kind={route.view} pois={POIS} here={here} heading="h1" />
      </main>
    );

  return (
    <div className="m-app">
      <Header route={route} />
      <OfflineBanner />
      {body}
      <nav className="m-nav" aria-label={t('nav.label')}>
        {NAV.map((n) => (
          <a
            key={n.view}
            href={formatRoute({ view: n.view, lang })}
            aria-current={route.view === n.view ? 'page' : undefined}
          >
            {t(n.key)}
          </a>
        ))}
      </nav>
    </div>
  );
}
