import { useEffect, useState } from 'react';
import { useT } from '../i18n.ts';
import { canSpeak, speak, stopSpeaking, viewText } from '../lib/speech.ts';
import { type View, useKiosk, useStoreApi } from '../store/index.ts';
import { Icon, type IconName } from './Icons.tsx';

const TILES: Array<{ view: View; icon: IconName }> = [
  { view: 'home', icon: 'home' },
  { view: 'events', icon: 'calendar' },
  { view: 'map', icon: 'map' },
  { view: 'transport', icon: 'bus' },
  { view: 'water', icon: 'drop' },
  { view: 'parking', icon: 'parking' },
];

export function BottomNav() {
  const { t } = useT();
  const view = useKiosk((s) => s.view);
  const store = useStoreApi();
  return (
    <nav className="bottom-nav" aria-label={t('nav.label')}>
      <ul className="nav-tiles">
        {TILES.map((tile) => (
          <li key={tile.view}>
            <button
              type="button"
              className="nav-tile"
              aria-current={view === tile.view ? 'page' : undefined}
              onClick={() => store.getState().go(tile.view)}
            >
              <Icon name={tile.icon} size={56} />
              <span>{t(`nav.${tile.view}`)}</span>
            </button>
          </li>
        ))}
      </ul>
      <div className="nav-side">
        <ReadAloud />
        <LowReachButton />
      </div>
    </nav>
  );
}

/** Always visible in the bottom corner: pulls every control into the lower 60% of the screen. */
export function LowReachButton() {
  const { t } = useT();
  const on = useKiosk((s) => s.lowReach);
  const store = useStoreApi();
  return (
    <button
      type="button"
      className="side-btn low-reach-btn"
      aria-pressed={on}
      onClick={() => store.getState().setLowReach(!on)}
    >
      <Icon name="wheelchair" size={56} />
      <span>{t('top.lowReach')}</span>
    </button>
  );
}

/** Reads the current view aloud through the Web Speech API; hidden where the platform has none. */
export function ReadAloud() {
  const { t, lang } = useT();
  const view = useKiosk((s) => s.view);
  const [speaking, setSpeaking] = useState(false);
  // Stop when the view or language changes or the button goes away.
  // biome-ignore lint/correctness/useExhaustiveDependencies: view and lang are the triggers
  useEffect(() => {
    setSpeaking(false);
    stopSpeaking();
    return stopSpeaking;
  }, [view, lang]);
  if (!canSpeak()) return <div className="side-btn-placeholder" />;
  return (
    <button
      type="button"
      className="side-btn"
      aria-pressed={speaking}
      onClick={() => {
        if (speaking) {
          stopSpeaking();
          setSpeaking(false);
          return;
        }
        setSpeaking(true);
        speak(viewText(document.querySelector('[data-view]')), lang, () => setSpeaking(false));
      }}
    >
      <Icon name={speaking ? 'stop' : 'speaker'} size={56} />
      <span>{speaking ? t('top.stopReading') : t('top.readAloud')}</span>
    </button>
  );
}
