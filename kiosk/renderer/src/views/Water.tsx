import type { WaterSnapshot } from '../../../../protocol/index.ts';
import { Scroll } from '../components/Scroll.tsx';
import { FreshGate } from '../components/Fresh.tsx';
import { HandoffQr } from '../components/HandoffQr.tsx';
import { Icon, type IconName } from '../components/Icons.tsx';
import { useConfigured } from '../hooks.ts';
import { useT } from '../i18n.ts';
import { formatTemp } from '../lib/time.ts';

const QUALITY_ICON: Record<WaterSnapshot['quality'], IconName> = {
  good: 'check',
  warning: 'warning',
  closed: 'cross',
  unknown: 'clock',
};
const QUALITY_CLASS: Record<WaterSnapshot['quality'], string> = {
  good: 'status-ok',
  warning: 'status-warn',
  closed: 'status-bad',
  unknown: 'status-plain',
};

export function WaterCard({ snapshot, heading = 'h2' }: { snapshot: WaterSnapshot; heading?: 'h2' | 'h3' }) {
  const { t, lang } = useT();
  const H = heading;
  return (
    <section className="panel water-card" aria-label={snapshot.name}>
      <H className="panel-title">{snapshot.name}</H>
      <FreshGate snapshot={snapshot}>
        <div className="water-row">
          <div className="big-figure">
            <Icon name="drop" size={64} />
            <span className="big-num num">
              {snapshot.waterTempC === null ? '–' : formatTemp(snapshot.waterTempC, lang)}
            </span>
            <span className="big-label">{t('water.water')}</span>
          </div>
          {snapshot.airTempC !== null && (
            <div className="small-figure">
              <span className="mid-num num">{formatTemp(snapshot.airTempC, lang)}</span>
              <span className="big-label">{t('water.air')}</span>
            </div>
          )}
        </div>
        <p className={`quality ${QUALITY_CLASS[snapshot.quality]}`} data-quality={snapshot.quality}>
          <Icon name={QUALITY_ICON[snapshot.quality]} size={44} />
          {t(`water.quality.${snapshot.quality}`)}
        </p>
      </FreshGate>
      <HandoffQr route={{ view: 'water', id: snapshot.siteId, sub: null }} />
    </section>
  );
}

export function Water() {
  const { t } = useT();
  const sites = useConfigured('water');
  return (
    <main className="view water" data-view="water" aria-labelledby="water-title">
      <h1 id="water-title" className="view-title">
        {t('water.title')}
      </h1>
      <Scroll labelledBy="water-title">
        {sites.map(({ id, snapshot }) =>
          snapshot ? (
            <WaterCard key={id} snapshot={snapshot} />
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
