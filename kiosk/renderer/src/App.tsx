import { useEffect, useRef } from 'react';
import { Emergency } from './components/Emergency.tsx';
import { useOptions, useSend } from './context.ts';
import { useT } from './i18n.ts';
import { themeAt } from './lib/sun.ts';
import { InfoScreen } from './profiles/InfoScreen.tsx';
import { ParkingPost } from './profiles/ParkingPost.tsx';
import { StreetKiosk } from './profiles/StreetKiosk.tsx';
import { selectLanguages, useKiosk, useKioskShallow } from './store/index.ts';

/** The root: theme, language, reload command, emergency override, then the screen's profile. */
export function App() {
  const opts = useOptions();
  const send = useSend();
  const { t, lang } = useT();
  const hasState = useKiosk((s) => s.kiosk !== null);
  const hasConfig = useKiosk((s) => s.kiosk?.config != null);
  const screenId = useKiosk((s) => s.kiosk?.screenId ?? '');
  const profile = useKiosk((s) => opts.profile ?? s.kiosk?.config?.profile ?? 'street-kiosk');
  const emergency = useKiosk((s) => s.kiosk?.playlist.emergency ?? null);
  const langs = useKioskShallow(selectLanguages);
  const view = useKiosk((s) => s.view);
  const loc = useKiosk((s) => s.kiosk?.config?.location ?? null);
  // URL override (previews, tests) > screen config > light sensor > sunrise and sunset (store/theme).
  const theme = useKiosk(
    (s) => opts.theme ?? s.theme?.theme ?? themeAt(Math.floor(s.now / 60_000) * 60_000, loc?.lat, loc?.lon),
  );
  const themeSource = useKiosk((s) => (opts.theme ? 'override' : (s.theme?.source ?? 'sun')));
  const reloadSeq = useKiosk((s) => s.kiosk?.reloadSeq ?? null);
  const firstSeq = useRef<number | null>(null);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.themeSource = themeSource;
    document.documentElement.dataset.profile = profile;
  }, [theme, themeSource, profile]);
  useEffect(() => {
    if (reloadSeq === null) return;
    if (firstSeq.current === null) firstSeq.current = reloadSeq;
    else if (reloadSeq !== firstSeq.current) window.location.reload();
  }, [reloadSeq]);

  const shownView = emergency
    ? 'campaign'
    : profile === 'street-kiosk'
      ? view
      : profile === 'parking-post'
        ? 'parking'
        : 'info';
  useEffect(() => {
    if (hasConfig) send({ type: 'view', view: shownView });
  }, [shownView, hasConfig, send]);

  if (!hasState) {
    return (
      <div className="frame splash" role="status">
        <p>{t('app.starting')}</p>
      </div>
    );
  }
  if (!hasConfig) {
    return (
      <div className="frame splash" role="status">
        <p>{t('app.unconfigured')}</p>
        <p className="splash-id">{t('app.screenId', { id: screenId })}</p>
      </div>
    );
  }
  if (emergency)
    return <Emergency emergency={emergency} order={[lang, ...langs.filter((l) => l !== lang)]} />;
  if (profile === 'info-screen') return <InfoScreen />;
  if (profile === 'parking-post') return <ParkingPost />;
  return <StreetKiosk />;
}
