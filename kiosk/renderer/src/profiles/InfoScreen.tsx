import { useEffect, useMemo } from 'react';
import { freshnessOf } from '../../../../protocol/index.ts';
import { OfflineBanner, IdentifyBanner } from '../components/Banners.tsx';
import { FreshNote } from '../components/Fresh.tsx';
import { SlideContent, SlidePlayer } from '../components/SlidePlayer.tsx';
import { Clock, WaterNearby } from '../components/TopBand.tsx';
import { useOptions } from '../context.ts';
import { useConfigured } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { allEvents, delayState, departureTime, eventsIn, upcoming } from '../lib/feeds.ts';
import { pick } from '../lib/localized.ts';
import { formatTime } from '../lib/time.ts';
import { selectLanguages, useKiosk, useKioskShallow, useStoreApi } from '../store/index.ts';
import { useWhen } from '../views/Events.tsx';
import { ParkingCard } from '../views/Parking.tsx';
import { DelayLabel, Minutes } from '../views/Transport.tsx';
import { WaterCard } from '../views/Water.tsx';

type Page = 'transport' | 'water' | 'parking' | 'events';
const PAGES: Page[] = ['transport', 'water', 'parking', 'events'];

/**
 * Landscape 1920x1080, no touch, read from 3 m: a page of departures, baths and parking, or events,
 * changing every pageS seconds (language turns each full cycle), a campaign slot and a ticker.
 */
export function InfoScreen() {
  const { t, lang } = useT();
  const opts = useOptions();
  const store = useStoreApi();
  const langs = useKioskShallow(selectLanguages);
  const slot = Math.floor(useKiosk((s) => s.now) / (opts.pageS * 1000));
  const fixed = PAGES.includes(opts.page as Page) ? (opts.page as Page) : null;
  const page = fixed ?? PAGES[slot % PAGES.length]!;
  const cycleLang = langs[Math.floor(slot / PAGES.length) % langs.length] ?? 'da';

  useEffect(() => {
    if (!opts.lang && !fixed) store.getState().setLang(cycleLang);
  }, [cycleLang, opts.lang, fixed, store]);

  const items = useKioskShallow((s) => s.kiosk?.playlist.items ?? []);
  return (
    <div className="frame info">
      <header className="info-head">
        <Clock />
        <h1 className="info-title">{t(`info.page.${page}`)}</h1>
        <WaterNearby />
      </header>
      <OfflineBanner />
      <div className="info-body">
        <main className="info-page" data-view={page} key={`${page}-${lang}`}>
          {page === 'transport' ? (
            <TransportPage />
          ) : page === 'water' ? (
            <WaterPage />
          ) : page === 'parking' ? (
            <ParkingPage />
          ) : (
            <EventsPage />
          )}
        </main>
        <aside className="info-slot" aria-label={t('campaign.slot')}>
          <SlidePlayer
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
        </aside>
      </div>
      <Ticker />
      <IdentifyBanner />
    </div>
  );
}

/** One board of the soonest departures of every subscribed stop (expired stops left out), with each stop's time. */
function TransportPage() {
  const { t } = useT();
  const stops = useConfigured('transport');
  const now = useKiosk((s) => s.now);
  const shown = stops.filter(
    (x): x is { id: string; snapshot: NonNullable<typeof x.snapshot> } =>
      !!x.snapshot && freshnessOf(x.snapshot, now).state !== 'expired',
  );
  const rows = shown
    .flatMap(({ snapshot }) => upcoming(snapshot, now, 8).map((d) => ({ d, stop: snapshot.stopName })))
    .sort((a, b) => departureTime(a.d) - departureTime(b.d))
    .slice(0, 4); // four rows leave room for every stop's measured time at 1080 px
  if (!shown.length)
    return (
      <p className="calm" data-fresh="expired">
        {t('fresh.expired')}
      </p>
    );
  return (
    <section className="panel info-deps">
      <ul className="deps">
        {rows.map(({ d, stop }) => (
          <li key={`${stop}${d.line}${d.plannedAt}`} className={d.cancelled ? 'dep cancelled' : 'dep'}>
            <span className={`dep-line mode-${d.mode}`}>
              <span className="sr-only">{t(`transport.mode.${d.mode}`)} </span>
              <span className="num">{d.line}</span>
            </span>
            <span className="dep-main">
              <span className="dep-dir">{d.direction}</span>
              <span className="dep-stop">{stop}</span>
            </span>
            <DelayLabel d={d} />
            <Minutes d={d} />
          </li>
        ))}
      </ul>
      <div className="info-fresh">
        {shown.map(({ id, snapshot }) => (
          <span key={id} className="info-fresh-item">
            <span className="info-fresh-stop">{snapshot.stopName}</span>
            <FreshNote snapshot={snapshot} />
          </span>
        ))}
      </div>
    </section>
  );
}

function WaterPage() {
  const sites = useConfigured('water');
  return (
    <div className="info-grid cols-3">
      {sites
        .slice(0, 3)
        .map(({ id, snapshot }) => (snapshot ? <WaterCard key={id} snapshot={snapshot} /> : null))}
    </div>
  );
}

function ParkingPage() {
  const zones = useConfigured('parking');
  return (
    <div className="info-grid cols-3">
      {zones.slice(0, 3).map(({ id, snapshot }) => (snapshot ? <ParkingCard key={id} p={snapshot} /> : null))}
    </div>
  );
}

function EventsPage() {
  const { t, lang } = useT();
  const kiosk = useKiosk((s) => s.kiosk);
  const minute = useKiosk((s) => Math.floor(s.now / 60_000) * 60_000);
  const areas = useConfigured('events');
  const events = useMemo(
    () => eventsIn(allEvents(kiosk, minute), 'today', minute).slice(0, 6),
    [kiosk, minute],
  );
  const when = useWhen();
  const snap = areas.find((a) => a.snapshot)?.snapshot ?? null;
  const expired = !snap || freshnessOf(snap, minute).state === 'expired';
  if (expired)
    return (
      <p className="calm" data-fresh={snap ? 'expired' : 'missing'}>
        {t(snap ? 'fresh.expired' : 'fresh.missing')}
      </p>
    );
  return (
    <section className="panel">
      {events.length ? (
        <ul className="info-events">
          {events.map((e) => (
            <li key={e.id}>
              <span className="event-when num">{when(e)}</span>
              <span className="event-title">{pick(e.title, lang)}</span>
              <span className="event-venue">{e.venue}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="calm">{t('events.none')}</p>
      )}
      <FreshNote snapshot={snap} />
    </section>
  );
}

/** Short notices: cancellations, big delays and high-priority campaign titles, in the current language. */
function Ticker() {
  const { t, lang } = useT();
  const stops = useConfigured('transport');
  const items = useKioskShallow((s) => s.kiosk?.playlist.items ?? []);
  const minute = useKiosk((s) => Math.floor(s.now / 60_000) * 60_000);
  const notices = useMemo(() => {
    const out: string[] = [];
    for (const it of items)
      if (it.priority === 'high' && it.slide.title) out.push(pick(it.slide.title, lang));
    for (const { snapshot } of stops) {
      if (!snapshot || freshnessOf(snapshot, minute).state === 'expired') continue;
      for (const d of upcoming(snapshot, minute, 10)) {
        const ds = delayState(d);
        const time = formatTime(d.plannedAt, lang);
        if (ds.state === 'cancelled')
          out.push(`${snapshot.stopName}: ${d.line} ${d.direction} ${time} — ${t('transport.cancelled')}`);
        else if (ds.state === 'late' && ds.min >= 5)
          out.push(
            `${snapshot.stopName}: ${d.line} ${d.direction} ${time} — ${t('transport.late', { min: ds.min })}`,
          );
      }
    }
    return out;
  }, [items, stops, minute, lang, t]);
  if (!notices.length) return null;
  const text = notices.join('   •   ');
  return (
    <section className="ticker" aria-label={t('info.ticker')}>
      <span className="ticker-label">{t('info.ticker')}</span>
      <div className="ticker-track">
        <p className="ticker-text" style={{ animationDuration: `${Math.max(20, text.length / 6)}s` }}>
          {text}
        </p>
      </div>
    </section>
  );
}
