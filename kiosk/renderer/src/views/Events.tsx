import { useMemo } from 'react';
import { type CityEvent, freshnessOf } from '../../../../protocol/index.ts';
import { Scroll } from '../components/Scroll.tsx';
import { FreshNote } from '../components/Fresh.tsx';
import { Icon } from '../components/Icons.tsx';
import { LeafletMap } from '../components/LeafletMap.tsx';
import { HandoffQr } from '../components/HandoffQr.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { useConfigured } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { allEvents, categoriesOf, eventsIn } from '../lib/feeds.ts';
import { pick } from '../lib/localized.ts';
import { type TileSource, useMapTiles } from '../lib/tiles.ts';
import { cphDay, formatDayShort, formatTime } from '../lib/time.ts';
import { useKiosk, useStoreApi } from '../store/index.ts';

/** "14:00–17:00", "All day", with the day when it is not today. */
export function useWhen() {
  const { t, lang } = useT();
  const today = useKiosk((s) => cphDay(s.now));
  return (e: CityEvent) => {
    const day = cphDay(e.start) === today ? '' : `${formatDayShort(e.start, lang)} · `;
    if (e.allDay) return `${day}${t('events.allDay')}`;
    return `${day}${formatTime(e.start, lang)}${e.end ? `–${formatTime(e.end, lang)}` : ''}`;
  };
}

export function Events() {
  const { t, lang } = useT();
  const store = useStoreApi();
  const range = useKiosk((s) => s.eventRange);
  const category = useKiosk((s) => s.eventCategory);
  const eventId = useKiosk((s) => s.eventId);
  // Recompute once a minute, not every second.
  const minute = useKiosk((s) => Math.floor(s.now / 60_000));
  const kiosk = useKiosk((s) => s.kiosk);
  const areas = useConfigured('events');
  const tiles = useMapTiles();
  const inRange = useMemo(
    () => eventsIn(allEvents(kiosk, minute * 60_000), range, minute * 60_000),
    [kiosk, minute, range],
  );
  const cats = useMemo(() => categoriesOf(inRange), [inRange]);
  const shown = category ? inRange.filter((e) => e.category === category) : inRange;
  const when = useWhen();
  const selected = eventId ? inRange.find((e) => e.id === eventId) : undefined;
  const snap = areas.find((a) => a.snapshot)?.snapshot ?? null;
  const snapExpired = useKiosk((s) => (snap ? freshnessOf(snap, s.now).state === 'expired' : false));

  if (selected) return <EventDetail e={selected} tiles={tiles} />;
  return (
    <main className="view events" data-view="events" aria-labelledby="events-title">
      <h1 id="events-title" className="view-title">
        {t('events.title')}
      </h1>
      <div className="filters">
        <fieldset className="seg">
          <legend className="sr-only">{t('events.range')}</legend>
          {(['today', 'week'] as const).map((r) => (
            <button
              key={r}
              type="button"
              className="chip"
              aria-pressed={range === r}
              onClick={() => store.getState().setEventRange(r)}
            >
              {t(`events.${r}`)}
            </button>
          ))}
        </fieldset>
        {cats.length > 1 && (
          <fieldset className="seg cats">
            <legend className="sr-only">{t('events.categories')}</legend>
            <button
              type="button"
              className="chip"
              aria-pressed={category === null}
              onClick={() => store.getState().setEventCategory(null)}
            >
              {t('events.all')}
            </button>
            {cats.map((c) => (
              <button
                key={c}
                type="button"
                className="chip"
                aria-pressed={category === c}
                onClick={() => store.getState().setEventCategory(c)}
              >
                {c}
              </button>
            ))}
          </fieldset>
        )}
      </div>
      <Scroll labelledBy="events-title">
        {!snap ? (
          <p className="calm" data-fresh="missing">
            {t('fresh.missing')}
          </p>
        ) : snapExpired ? (
          <p className="calm" data-fresh="expired">
            {t('fresh.expired')}
          </p>
        ) : shown.length === 0 ? (
          <p className="calm">{t('events.none')}</p>
        ) : (
          <ul className="event-list">
            {shown.map((e) => (
              <li key={e.id}>
                <button type="button" className="event-item" onClick={() => store.getState().openEvent(e.id)}>
                  <span className="event-when num">{when(e)}</span>
                  <span className="event-title" lang={e.title[lang] ? lang : undefined}>
                    {pick(e.title, lang)}
                  </span>
                  <span className="event-venue">
                    {e.venue}
                    {e.category ? ` · ${e.category}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {snap && !snapExpired && <FreshNote snapshot={snap} />}
      </Scroll>
    </main>
  );
}

/** `tiles`: the agent's base map on a kiosk (the mobile companion leaves it out). */
export function EventDetail({ e, tiles = null }: { e: CityEvent; tiles?: TileSource | null }) {
  const { t, lang } = useT();
  const store = useStoreApi();
  const when = useWhen();
  const title = pick(e.title, lang);
  const area = useKiosk(
    (s) =>
      Object.values(s.kiosk?.feeds.events ?? {}).find((f) => f.events.some((x) => x.id === e.id))?.area ??
      null,
  );
  const points = useMemo(
    () =>
      e.location
        ? [
            {
              id: e.id,
              kind: 'event' as const,
              lat: e.location.lat,
              lon: e.location.lon,
              label: e.venue ?? title,
              glyph: '★',
            },
          ]
        : [],
    [e, title],
  );
  return (
    <main className="view events event-detail" data-view="events" aria-labelledby="event-title">
      <button type="button" className="back-btn" onClick={() => store.getState().openEvent(null)}>
        <Icon name="back" size={44} />
        {t('events.close')}
      </button>
      <h1 id="event-title" className="view-title" lang={e.title[lang] ? lang : undefined}>
        {title}
      </h1>
      <p className="event-detail-when num">
        <Icon name="clock" size={44} />
        {when(e)}
      </p>
      {e.venue && (
        <p className="event-detail-venue">
          <Icon name="map" size={44} />
          {e.venue}
        </p>
      )}
      {e.description && <p className="event-desc">{pick(e.description, lang)}</p>}
      {e.location && (
        <LeafletMap
          className="event-map"
          center={e.location}
          zoom={15}
          points={points}
          interactive={false}
          attribution={t('map.attribution')}
          label={`${t('events.venue')}: ${e.venue ?? title}`}
          tiles={tiles}
        />
      )}
      <div className="event-qr">
        {e.url ? (
          <>
            <QrCode text={e.url} label={t('events.qrAlt', { url: e.url })} size={300} />
            <p>
              <strong>{t('events.scan')}</strong>
              <span className="event-url">{e.url.replace(/^https?:\/\//, '')}</span>
            </p>
          </>
        ) : (
          <p className="calm">{t('events.noUrl')}</p>
        )}
      </div>
      {area && <HandoffQr route={{ view: 'events', id: area, sub: e.id }} />}
    </main>
  );
}
