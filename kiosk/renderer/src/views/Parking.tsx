import type { ParkingSnapshot } from '../../../../protocol/index.ts';
import { Scroll } from '../components/Scroll.tsx';
import { FreshGate } from '../components/Fresh.tsx';
import { HandoffQr } from '../components/HandoffQr.tsx';
import { Icon, type IconName } from '../components/Icons.tsx';
import { useConfigured } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { type ParkingLevel, parkingLevel } from '../lib/feeds.ts';
import { formatNumber } from '../lib/time.ts';

const LEVEL: Record<ParkingLevel, { cls: string; icon: IconName }> = {
  available: { cls: 'status-ok', icon: 'check' },
  few: { cls: 'status-warn', icon: 'warning' },
  full: { cls: 'status-bad', icon: 'cross' },
  closed: { cls: 'status-bad', icon: 'cross' },
  unknown: { cls: 'status-plain', icon: 'clock' },
};
const TREND: Record<ParkingSnapshot['trend'], IconName> = {
  rising: 'up',
  falling: 'down',
  steady: 'steady',
  unknown: 'clock',
};

/** Word, icon and colour together: never colour alone. */
export function ParkingStatus({ p }: { p: ParkingSnapshot }) {
  const { t } = useT();
  const level = parkingLevel(p);
  return (
    <span className={`park-status ${LEVEL[level].cls}`} data-level={level}>
      <Icon name={LEVEL[level].icon} size={40} />
      {t(`parking.status.${level}`)}
    </span>
  );
}

export function ParkingTrend({ p }: { p: ParkingSnapshot }) {
  const { t } = useT();
  return (
    <span className="park-trend" data-trend={p.trend}>
      <Icon name={TREND[p.trend]} size={40} />
      {t(`parking.trend.${p.trend}`)}
    </span>
  );
}

export function ParkingCard({ p, heading = 'h2' }: { p: ParkingSnapshot; heading?: 'h2' | 'h3' }) {
  const { t, lang } = useT();
  const H = heading;
  const level = parkingLevel(p);
  const share = p.total ? Math.min(1, Math.max(0, p.free / p.total)) : 0;
  return (
    <section className="panel park-card" aria-label={p.name}>
      <H className="panel-title">{p.name}</H>
      <FreshGate snapshot={p}>
        <div className="park-row">
          <div className="big-figure">
            <span className="big-num num">{formatNumber(p.free, lang)}</span>
            <span className="big-label">{t('parking.of', { total: formatNumber(p.total, lang) })}</span>
          </div>
          <div className="park-words">
            <ParkingStatus p={p} />
            <ParkingTrend p={p} />
          </div>
        </div>
        <div className={`meter ${LEVEL[level].cls}`} aria-hidden="true">
          <span className="meter-fill" style={{ transform: `scaleX(${share})` }} />
        </div>
      </FreshGate>
      <HandoffQr route={{ view: 'parking', id: p.zoneId, sub: null }} />
    </section>
  );
}

export function Parking() {
  const { t } = useT();
  const zones = useConfigured('parking');
  return (
    <main className="view parking" data-view="parking" aria-labelledby="parking-title">
      <h1 id="parking-title" className="view-title">
        {t('parking.title')}
      </h1>
      <Scroll labelledBy="parking-title">
        {zones.map(({ id, snapshot }) =>
          snapshot ? (
            <ParkingCard key={id} p={snapshot} />
          ) : (
            <section key={id} className="panel">
              <FreshGate snapshot={null}>{null}</FreshGate>
            </section>
          ),
        )}
      </Scroll>
    </main>
  );
}
