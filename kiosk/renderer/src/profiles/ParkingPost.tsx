import { IdentifyBanner, OfflineBanner } from '../components/Banners.tsx';
import { FreshGate } from '../components/Fresh.tsx';
import { SlideContent, SlidePlayer } from '../components/SlidePlayer.tsx';
import { Clock } from '../components/TopBand.tsx';
import { useConfigured } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { parkingLevel } from '../lib/feeds.ts';
import { formatNumber } from '../lib/time.ts';
import { useKioskShallow } from '../store/index.ts';
import { ParkingStatus, ParkingTrend } from '../views/Parking.tsx';

/** A small post (800x480): one big number for its zone (the first configured), neighbours below, campaigns. */
export function ParkingPost() {
  const { t, lang } = useT();
  const zones = useConfigured('parking');
  const items = useKioskShallow((s) => s.kiosk?.playlist.items ?? []);
  const [mine, ...others] = zones;
  const p = mine?.snapshot ?? null;
  return (
    <div className="frame post">
      <OfflineBanner />
      <main className="post-main" data-view="parking" aria-labelledby="post-zone">
        <div className="post-head">
          <h1 id="post-zone" className="post-zone">
            {p?.name ?? t('parking.title')}
          </h1>
          <Clock withDate={false} />
        </div>
        <FreshGate snapshot={p}>
          {p && (
            <div className="post-figure" data-level={parkingLevel(p)}>
              <span className="post-num num">{formatNumber(p.free, lang)}</span>
              <span className="post-words">
                <span className="post-of">
                  {t('parking.free')} · {t('parking.of', { total: formatNumber(p.total, lang) })}
                </span>
                <ParkingStatus p={p} />
                <ParkingTrend p={p} />
              </span>
            </div>
          )}
        </FreshGate>
        {others.length > 0 && (
          <section className="post-others" aria-label={t('parking.nearby')}>
            <h2 className="sr-only">{t('parking.nearby')}</h2>
            <ul>
              {others.map(({ id, snapshot }) => (
                <li key={id}>
                  <span className="post-other-name">{snapshot?.name ?? id}</span>
                  {snapshot ? <Neighbour id={id} /> : <span className="calm">{t('fresh.missing')}</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
      <aside className="post-slot" aria-label={t('campaign.slot')}>
        <SlidePlayer items={items} render={(item) => <SlideContent item={item} lang={lang} />} />
      </aside>
      <IdentifyBanner />
    </div>
  );
}

function Neighbour({ id }: { id: string }) {
  const { t, lang } = useT();
  const zones = useConfigured('parking');
  const p = zones.find((z) => z.id === id)?.snapshot ?? null;
  if (!p) return null;
  return (
    <FreshGateInline p={p}>
      <span className="post-other-num num">
        {t('parking.freeOf', { free: formatNumber(p.free, lang), total: formatNumber(p.total, lang) })}
      </span>
      <ParkingStatus p={p} />
    </FreshGateInline>
  );
}

function FreshGateInline({
  p,
  children,
}: {
  p: Parameters<typeof ParkingStatus>[0]['p'];
  children: React.ReactNode;
}) {
  return <FreshGate snapshot={p}>{children}</FreshGate>;
}
