import './csp.ts';
import '@fontsource/inter/latin-400.css';
import '@fontsource/inter/latin-600.css';
import '@fontsource/inter/latin-800.css';
import './styles/base.css';
import './styles/kiosk.css';
import './styles/map.css';
import './styles/info.css';
import './styles/post.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { chooseBridge } from './bridge/select.ts';
import { OptionsContext, optionsFrom, SendContext } from './context.ts';
import { LangProvider } from './i18n.ts';
import { tuningWithHold } from './lib/theme.ts';
import { createKioskStore, StoreContext } from './store/index.ts';

const params = new URLSearchParams(window.location.search);
const options = optionsFrom(params);
const store = createKioskStore({
  initial: options.lang ? { lang: options.lang } : {},
  themeTuning: tuningWithHold(options.themeHoldS),
});
const bridge = chooseBridge(window, params);
const send = bridge.send.bind(bridge);

bridge.onLink((up) => {
  store.getState().setLinkUp(up);
  // Tell the agent the renderer draws (its watchdog counts a silent renderer as blank).
  if (up) requestAnimationFrame(() => send({ type: 'renderer', state: 'ok' }));
});
bridge.subscribe((state) => store.getState().setKiosk(state));

// One clock for the whole UI, aligned to the second.
let clock: ReturnType<typeof setTimeout>;
const tick = () => {
  const now = Date.now();
  store.getState().tick(now);
  clock = setTimeout(tick, 1000 - (now % 1000) + 5);
};
tick();

const root = createRoot(document.getElementById('root')!);
root.render(
  <StrictMode>
    <OptionsContext.Provider value={options}>
      <SendContext.Provider value={send}>
        <StoreContext.Provider value={store}>
          <LangProvider>
            <App />
          </LangProvider>
        </StoreContext.Provider>
      </SendContext.Provider>
    </OptionsContext.Provider>
  </StrictMode>,
);

// And again every 30 s while it runs.
const heartbeat = setInterval(() => send({ type: 'renderer', state: 'ok' }), 30_000);

window.addEventListener('pagehide', () => {
  clearTimeout(clock);
  clearInterval(heartbeat);
  root.unmount();
  bridge.close();
});
