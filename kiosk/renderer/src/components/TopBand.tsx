import { useT } from '../i18n.ts';
import { nearbyWater } from '../lib/feeds.ts';
import { formatDate, formatTemp, formatTime } from '../lib/time.ts';
import { selectLanguages, useKiosk, useKioskShallow, useStoreApi } from '../store/index.ts';
import { Icon } from './Icons.tsx';

const NATIVE: Record<string, string> = { da: 'Dansk', en: 'English', de: 'Deutsch' };

export function Clock({ withDate = true }: { withDate?: boolean }) {
  const { lang } = useT();
  const now = useKiosk((s) => Math.floor(s.now / 60_000) * 60_000);
  return (
    <div className="clock">
      <time className="clock-time num" dateTime={new Date(now).toISOString()}>
        {formatTime(now, lang)}
      </time>
      {withDate && <span className="clock-date">{formatDate(now, lang)}</span>}
    </div>
  );
}

export function WaterNearby() {
  const { t, lang } = useT();
  const water = useKiosk((s) => nearbyWater(s.kiosk, s.now));
  if (!water || water.waterTempC === null) return null;
  return (
    <div className="water-nearby">
      <Icon name="drop" size={44} />
      <span>
        <span className="water-nearby-temp num">{formatTemp(water.waterTempC, lang)}</span>
        <span className="water-nearby-name">{t('top.waterNearby', { name: water.name })}</span>
      </span>
    </div>
  );
}

/** Language names in their own language, no flags; each button is at least 64 px tall. */
export function LanguageSwitch() {
  const { t, lang } = useT();
  const langs = useKioskShallow(selectLanguages);
  const store = useStoreApi();
  return (
    <fieldset className="lang-switch">
      <legend className="sr-only">{t('top.language')}</legend>
      {langs.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="lang-btn"
          aria-pressed={l === lang}
          onClick={() => store.getState().setLang(l)}
        >
          {NATIVE[l] ?? l}
        </button>
      ))}
    </fieldset>
  );
}

export function TopBand() {
  return (
    <header className="top-band">
      <Clock />
      <WaterNearby />
      <LanguageSwitch />
    </header>
  );
}
