import type { Departure, TransportSnapshot } from '../../../../protocol/index.ts';
import { Scroll } from '../components/Scroll.tsx';
import { FreshGate } from '../components/Fresh.tsx';
import { HandoffQr } from '../components/HandoffQr.tsx';
import { Icon, modeIcon } from '../components/Icons.tsx';
import { useT } from '../i18n.ts';
import { useConfigured } from '../hooks.ts';
import { delayState, minutesUntil, upcoming } from '../lib/feeds.ts';
import { formatTime } from '../lib/time.ts';
import { useKiosk, useKioskShallow } from '../store/index.ts';

/** Minutes to departure, recomputed from the store's one-second clock: a frozen network never freezes it. */
export function Minutes({ d }: { d: Departure }) {
  const { t } = useT();
  const min = useKiosk((s) => minutesUntil(d, s.now));
  if (d.cancelled)
    return (
      <span className="dep-min cancelled-min" aria-hidden="true">
        —
      </span>
    );
  return (
    <span className="dep-min num">
      {min <= 0 ? (
        t('transport.now')
      ) : (
        <>
          {min}
          <span className="dep-min-unit"> {t('transport.minutes')}</span>
        </>
      )}
    </span>
  );
}

export function DelayLabel({ d }: { d: Departure }) {
  const { t } = useT();
  const ds = delayState(d);
  switch (ds.state) {
    case 'cancelled':
      return (
        <span className="dep-status status-bad">
          <Icon name="cross" size={36} />
          {t('transport.cancelled')}
        </span>
      );
    case 'late':
      return (
        <span className="dep-status status-warn">
          <Icon name="warning" size={36} />
          {t('transport.late', { min: ds.min })}
        </span>
      );
    case 'early':
      return (
        <span className="dep-status status-warn">
          <Icon name="warning" size={36} />
          {t('transport.early', { min: ds.min })}
        </span>
      );
    case 'on-time':
      return (
        <span className="dep-status status-ok">
          <Icon name="check" size={36} />
          {t('transport.onTime')}
        </span>
      );
    default:
      return (
        <span className="dep-status status-plain">
          <Icon name="clock" size={36} />
          {t('transport.noRealtime')}
        </span>
      );
  }
}

export function DepartureRow({ d }: { d: Departure }) {
  const { t, lang } = useT();
  return (
    <li className={d.cancelled ? 'dep cancelled' : 'dep'} data-cancelled={d.cancelled || undefined}>
      <span className={`dep-line mode-${d.mode}`}>
        <Icon name={modeIcon(d.mode)} size={40} />
        <span className="sr-only">{t(`transport.mode.${d.mode}`)} </span>
        <span className="num">{d.line}</span>
      </span>
      <span className="dep-main">
        <span className="dep-dir">{d.direction}</span>
        <span className="dep-meta">
          <DelayLabel d={d} />
          <span className="dep-at num">
            {t('transport.departsAt', { time: formatTime(d.expectedAt ?? d.plannedAt, lang) })}
            {d.track ? ` · ${t('transport.track', { track: d.track })}` : ''}
          </span>
        </span>
      </span>
      <Minutes d={d} />
    </li>
  );
}

/** One stop's board; the list is recomputed each second so departed vehicles drop off. */
export function StopBoard({
  snapshot,
  max = 6,
  heading = 'h2',
}: {
  snapshot: TransportSnapshot;
  max?: number;
  heading?: 'h2' | 'h3';
}) {
  const { t } = useT();
  const deps = useKioskShallow((s) => upcoming(snapshot, s.now, max));
  const H = heading;
  return (
    <section className="panel stop-board" aria-label={snapshot.stopName}>
      <H className="panel-title">{snapshot.stopName}</H>
      <FreshGate snapshot={snapshot}>
        {deps.length ? (
          <ul className="deps">
            {deps.map((d) => (
              <DepartureRow key={`${d.tripId ?? ''}${d.line}${d.plannedAt}`} d={d} />
            ))}
          </ul>
        ) : (
          <p className="calm">{t('transport.none')}</p>
        )}
      </FreshGate>
      <HandoffQr route={{ view: 'transport', id: snapshot.stopId, sub: null }} />
    </section>
  );
}

export function Transport() {
  const { t } = useT();
  const stops = useConfigured('transport');
  return (
    <main className="view transport" data-view="transport" aria-labelledby="transport-title">
      <h1 id="transport-title" className="view-title">
        {t('transport.title')}
      </h1>
      <Scroll labelledBy="transport-title">
        {stops.map(({ id, snapshot }) =>
          snapshot ? (
            <StopBoard key={id} snapshot={snapshot} />
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
