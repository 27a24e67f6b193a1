import '../csp.ts';
import '@fontsource/inter/latin-400.css';
import '@fontsource/inter/latin-600.css';
import '@fontsource/inter/latin-800.css';
import '../styles/base.css';
import '../styles/kiosk.css';
import '../styles/map.css';
import './mobile.css';
import { StrictMode, useCallback } from 'react';
import { createRoot } from 'react-dom/client';
import { OptionsContext, optionsFrom } from '../context.ts';
import type { MobileView } from '../lib/handoff.ts';
import { parseRoute } from '../lib/handoff.ts';
import { createKioskStore, StoreContext, UI_LANGUAGES } from '../store/index.ts';
import { brokerUrl, connectPublicChannel } from './bridge.ts';
import { mobileState } from './feeds.ts';
import { MobileApp } from './MobileApp.tsx';

const params = new URLSearchParams(window.location.search);
const options = { ...optionsFrom(params), profile: 'mobile' as const };
const route = parseRoute(window.location.hash);
const browserLang = navigator.language.slice(0, 2);
const lang =
  route.lang ??
  options.lang ??
  ((UI_LANGUAGES as readonly string[]).includes(browserLang) ? browserLang : 'da');
const store = createKioskStore({ initial: { lang, view: 'home' } });

let storage: Storage | null = null;
try {
  storage = window.localStorage;
} catch {
  storage = null;
}
const channel = connectPublicChannel(brokerUrl(window.location), storage);
let online = false;
let since: string | null = null;
channel.onLink((up) => {
  online = up;
  since = new Date().toISOString();
  store.getState().setLinkUp(up);
  const k = store.getState().kiosk;
  if (k) store.getState().setKiosk(mobileState(k.feeds, online, since));
});
channel.onFeeds((feeds) => store.getState().setKiosk(mobileState(feeds, online, since)));

let clock: ReturnType<typeof setTimeout>;
const tick = () => {
  const now = Date.now();
  store.getState().tick(now);
  clock = setTimeout(tick, 1000 - (now % 1000) + 5);
};
tick();

if ('serviceWorker' in navigator && window.location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((err: unknown) => {
    console.warn('service worker not registered', err);
  });
}

/** Anonymous count of views shown: the view's name only, no id, no language, no cookie. */
function countView(view: MobileView): void {
  try {
    navigator.sendBeacon?.(`./hit/${view}`);
  } catch {
    // counting is best effort
  }
}

function Root() {
  const onView = useCallback((v: MobileView) => countView(v), []);
  return <MobileApp onView={onView} />;
}

const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    <OptionsContext.Provider value={options}>
      <StoreContext.Provider value={store}>
        <Root />
      </StoreContext.Provider>
    </OptionsContext.Provider>
  </StrictMode>,
);

window.addEventListener('pagehide', () => {
  clearTimeout(clock);
  channel.close();
});
