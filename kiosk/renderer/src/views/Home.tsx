import { freshnessOf } from '../../../../protocol/index.ts';
import { Icon, type IconName } from '../components/Icons.tsx';
import { useT } from '../i18n.ts';
import { allEvents, configured, eventsIn, minutesUntil, nearbyWater, upcoming } from '../lib/feeds.ts';
import { formatNumber, formatTemp } from '../lib/time.ts';
import { type KioskStore, type View, useKiosk, useStoreApi } from '../store/index.ts';

/** Glance values for the home tiles; strings so the selector result compares by value. */
function useGlance(): { transport: string; water: string; parking: string; events: string } {
  const { t, lang } = useT();
  const nextDep = useKiosk((s: KioskStore) => {
    for (const { snapshot } of configured(s.kiosk, 'transport')) {
      if (!snapshot || freshnessOf(snapshot, s.now).state === 'expired') continue;
      const d = upcoming(snapshot, s.now, 4).find((x) => !x.cancelled);
      if (d) return `${d.line}|${Math.max(0, minutesUntil(d, s.now))}`;
    }
    return '';
  });
  const temp = useKiosk((s) => nearbyWater(s.kiosk, s.now)?.waterTempC ?? null);
  const free = useKiosk((s) => {
    const first = configured(s.kiosk, 'parking').find(
      (p) => p.snapshot && freshnessOf(p.snapshot, s.now).state !== 'expired',
    );
    return first?.snapshot ? first.snapshot.free : null;
  });
  const eventsToday = useKiosk((s) => eventsIn(allEvents(s.kiosk, s.now), 'today', s.now).length);
  const [line, min] = nextDep.split('|');
  return {
    transport: nextDep ? t('home.nextDeparture', { line, min }) : t('home.noDeparture'),
    water: temp === null ? '' : t('home.waterTemp', { temp: formatTemp(temp, lang) }),
    parking: free === null ? '' : t('home.parkingFree', { free: formatNumber(free, lang) }),
    events: t('home.eventsToday', { count: eventsToday }),
  };
}

const TILES: Array<{ view: View; icon: IconName; wide?: boolean }> = [
  { view: 'transport', icon: 'bus', wide: true },
  { view: 'events', icon: 'calendar' },
  { view: 'map', icon: 'map' },
  { view: 'water', icon: 'drop' },
  { view: 'parking', icon: 'parking' },
];

export function Home() {
  const { t } = useT();
  const store = useStoreApi();
  const glance = useGlance();
  const sub: Record<string, string> = { ...glance, map: t('home.mapHint') };
  return (
    <main className="view home" data-view="home" aria-labelledby="home-title">
      <h1 id="home-title" className="view-title">
        {t('home.title')}
      </h1>
      <ul className="home-tiles">
        {TILES.map((tile) => (
          <li key={tile.view} className={tile.wide ? 'wide' : undefined}>
            <button
              type="button"
              className={`home-tile tile-${tile.view}`}
              onClick={() => store.getState().go(tile.view)}
            >
              <Icon name={tile.icon} size={96} />
              <span className="home-tile-label">{t(`nav.${tile.view}`)}</span>
              {sub[tile.view] && <span className="home-tile-sub num">{sub[tile.view]}</span>}
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
