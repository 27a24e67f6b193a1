import { useMemo } from 'react';
import type { CityEvent } from '../../../../protocol/index.ts';
import { FreshGate } from '../components/Fresh.tsx';
import { LeafletMap, type MapPoint } from '../components/LeafletMap.tsx';
import { useT } from '../i18n.ts';
import { minutesUntil, upcoming } from '../lib/feeds.ts';
import { type MobileRoute, type MobileView, formatRoute } from '../lib/handoff.ts';
import { pick } from '../lib/localized.ts';
import { type Poi, poiMapPoints } from '../lib/pois.ts';
import { formatNumber, formatTemp } from '../lib/time.ts';
import { useKiosk, useKioskShallow } from '../store/index.ts';
import { EventDetail, useWhen } from '../views/Events.tsx';
import { ParkingCard } from '../views/Parking.tsx';
import { StopBoard } from '../views/Transport.tsx';
import { WaterCard } from '../views/Water.tsx';
import { type LatLon, byDistance, formatDistance } from './geo.ts';

type ListKind = 'transport' | 'water' | 'parking';
const TITLE: Record<MobileView, string> = {
  home: 'mobile.near',
  transport: 'transport.title',
  water: 'water.title',
  parking: 'parking.title',
  events: 'events.title',
  map: 'map.title',
};

/** One place of a list: its name, a one-line summary of its data, and its distance. */
function PlaceLink({ kind, id, m, lang }: { kind: ListKind; id: string; m: number | null; lang: string }) {
  const { t } = useT();
  const summary = useKioskShallow((s): { name: string; line: string } | null => {
    if (kind === 'transport') {
      const snap = s.kiosk?.feeds.transport[id];
      if (!snap) return null;
      const next = upcoming(snap, s.now, 1)[0];
      return {
        name: snap.stopName,
        line: next
          ? t('home.nextDeparture', { line: next.line, min: Math.max(0, minutesUntil(next, s.now)) })
          : t('transport.none'),
      };
    }
    if (kind === 'water') {
      const snap = s.kiosk?.feeds.water[id];
      if (!snap) return null;
      return {
        name: snap.name,
        line:
          snap.waterTempC === null
            ? t(`water.quality.${snap.quality}`)
            : t('home.waterTemp', { temp: formatTemp(snap.waterTempC, lang) }),
      };
    }
    const snap = s.kiosk?.feeds.parking[id];
    if (!snap) return null;
    return {
      name: snap.name,
      line:
        snap.free === null
          ? t(`parking.status.unknown`)
          : t('home.parkingFree', { free: formatNumber(snap.free, lang) }),
    };
  });
  if (!summary) return null;
  return (
    <li>
      <a className="m-place" href={formatRoute({ view: kind, id, lang })}>
        <span className="m-place-name">{summary.name}</span>
        <span className="m-place-line">{summary.line}</span>
        {m !== null && <span className="m-place-dist num">{formatDistance(m, lang)}</span>}
      </a>
    </li>
  );
}

export function PlaceList({
  kind,
  pois,
  here,
  max,
  heading,
}: {
  kind: ListKind;
  pois: readonly Poi[];
  here: LatLon | null;
  max?: number;
  heading: 'h1' | 'h2';
}) {
  const { t, lang } = useT();
  const ids = useKiosk((s) => s.kiosk?.config?.feeds[kind]);
  const sorted = useMemo(() => byDistance(ids ?? [], pois, here).slice(0, max), [ids, pois, here, max]);
  const H = heading;
  return (
    <section className="m-section" aria-labelledby={`m-list-${kind}`}>
      <H id={`m-list-${kind}`} className="m-heading">
        {max && sorted.length ? (
          <a href={formatRoute({ view: kind, lang })}>{t(TITLE[kind])}</a>
        ) : (
          t(TITLE[kind])
        )}
      </H>
      {sorted.length ? (
        <ul className="m-places">
          {sorted.map((p) => (
            <PlaceLink key={p.id} kind={kind} id={p.id} m={p.m} lang={lang} />
          ))}
        </ul>
      ) : (
        <p className="calm">{t('fresh.missing')}</p>
      )}
    </section>
  );
}

/** One stop, bath or zone by its feed id, drawn with the kiosk's own card (freshness rules included). */
export function PlaceDetail({ route }: { route: MobileRoute }) {
  const { t } = useT();
  const id = route.id ?? '';
  const snap = useKiosk((s) => {
    const f = s.kiosk?.feeds;
    if (!f) return null;
    if (route.view === 'transport') return f.transport[id] ?? null;
    if (route.view === 'water') return f.water[id] ?? null;
    if (route.view === 'parking') return f.parking[id] ?? null;
    return null;
  });
  return (
    <main className="m-view" data-view={route.view} data-id={id} aria-labelledby="m-title">
      <h1 id="m-title" className="m-title">
        {t(TITLE[route.view])}
      </h1>
      <div className="m-kiosk-scale">
        {snap?.kind === 'transport' && <StopBoard snapshot={snap} max={10} />}
        {snap?.kind === 'water' && <WaterCard snapshot={snap} />}
        {snap?.kind === 'parking' && <ParkingCard p={snap} />}
        {!snap && (
          <section className="panel">
            <FreshGate snapshot={null}>{null}</FreshGate>
          </section>
        )}
      </div>
    </main>
  );
}

function upcomingEvents(
  all: Array<{ area: string; e: CityEvent }>,
  now: number,
): Array<{ area: string; e: CityEvent }> {
  return all
    .filter(({ e }) => Date.parse(e.end ?? e.start) >= now)
    .sort((a, b) => Date.parse(a.e.start) - Date.parse(b.e.start))
    .slice(0, 40);
}

export function EventsList() {
  const { t, lang } = useT();
  const when = useWhen();
  const feeds = useKiosk((s) => s.kiosk?.feeds.events);
  const minute = useKiosk((s) => Math.floor(s.now / 60_000) * 60_000);
  const list = useMemo(
    () =>
      upcomingEvents(
        Object.values(feeds ?? {}).flatMap((snap) => snap.events.map((e) => ({ area: snap.area, e }))),
        minute,
      ),
    [feeds, minute],
  );
  return (
    <main className="m-view" data-view="events" aria-labelledby="m-title">
      <h1 id="m-title" className="m-title">
        {t('events.title')}
      </h1>
      {list.length ? (
        <ul className="m-places">
          {list.map(({ area, e }) => (
            <li key={`${area}/${e.id}`}>
              <a className="m-place" href={formatRoute({ view: 'events', id: area, sub: e.id, lang })}>
                <span className="m-place-name" lang={e.title[lang] ? lang : undefined}>
                  {pick(e.title, lang)}
                </span>
                <span className="m-place-line num">{when(e)}</span>
                {e.venue && <span className="m-place-line">{e.venue}</span>}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p className="calm">{t('events.none')}</p>
      )}
    </main>
  );
}

export function EventPage({ route }: { route: MobileRoute }) {
  const { t } = useT();
  const e = useKiosk(
    (s) => s.kiosk?.feeds.events[route.id ?? '']?.events.find((x) => x.id === route.sub) ?? null,
  );
  if (!e) {
    return (
      <main className="m-view" data-view="events" aria-labelledby="m-title">
        <h1 id="m-title" className="m-title">
          {t('events.title')}
        </h1>
        <p className="calm">{t('mobile.notFound')}</p>
      </main>
    );
  }
  return (
    <div className="m-kiosk-scale m-event">
      <EventDetail e={e} />
    </div>
  );
}

export function MobileMap({
  pois,
  here,
  onPick,
}: {
  pois: readonly Poi[];
  here: LatLon | null;
  onPick: (p: Poi) => void;
}) {
  const { t } = useT();
  const points: MapPoint[] = useMemo(() => poiMapPoints(pois, (k) => t(`map.kind.${k}`)), [pois, t]);
  return (
    <main className="m-view m-map-view" data-view="map" aria-labelledby="m-title">
      <h1 id="m-title" className="m-title">
        {t('map.title')}
      </h1>
      <LeafletMap
        className="m-map"
        center={here ?? { lat: 55.6761, lon: 12.5683 }}
        zoom={14}
        points={points}
        here={here}
        hereLabel={t('map.youAreHere')}
        attribution={t('map.attribution')}
        label={t('map.points')}
        zoomLabels={{ in: t('map.zoomIn'), out: t('map.zoomOut') }}
        onPick={(id) => {
          const p = pois.find((x) => x.id === id);
          if (p) onPick(p);
        }}
      />
    </main>
  );
}
