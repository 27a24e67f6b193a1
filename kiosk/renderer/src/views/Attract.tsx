import { useEffect, useState } from 'react';
import { SlideContent, SlidePlayer } from '../components/SlidePlayer.tsx';
import { Clock } from '../components/TopBand.tsx';
import { tIn, useT } from '../i18n.ts';
import { selectLanguages, useKiosk, useKioskShallow, useStoreApi } from '../store/index.ts';

/** The attract loop: campaign slides with the time, and "touch to start" in rotating languages. */
export function Attract() {
  const { t, lang } = useT();
  const items = useKioskShallow((s) => s.kiosk?.playlist.items ?? []);
  const langs = useKioskShallow(selectLanguages);
  const store = useStoreApi();
  const [invite, setInvite] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setInvite((i) => i + 1), 3500);
    return () => clearInterval(timer);
  }, []);
  const inviteLang = langs[invite % langs.length] ?? lang;
  const screenName = useKiosk((s) => s.kiosk?.config?.name ?? '');
  return (
    // A touch anywhere starts; the invitation is also a real button for keypads and screen readers.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the button inside handles keys
    <main
      className="view attract"
      data-view="attract"
      aria-label={screenName || t('app.name')}
      onClick={() => store.getState().go('home')}
    >
      <div className="attract-clock">
        <Clock />
      </div>
      <SlidePlayer
        className="attract-slides"
        items={items}
        render={(item) => <SlideContent item={item} lang={lang} />}
        fallback={
          <div className="slide slide-in">
            <div className="slide-text">
              <h2 className="slide-title">{t('attract.welcomeTitle')}</h2>
              <p className="slide-body">{t('attract.welcomeBody')}</p>
            </div>
          </div>
        }
      />
      <button type="button" className="attract-invite" lang={inviteLang}>
        <span className="touch-ring" aria-hidden="true" />
        <span className="attract-invite-text" key={inviteLang}>
          {tIn(inviteLang)('attract.touch')}
        </span>
      </button>
    </main>
  );
}
