import type { ReactNode } from 'react';
import { freshnessOf } from '../../../../protocol/index.ts';
import { useT } from '../i18n.ts';
import { formatTime } from '../lib/time.ts';
import { useKiosk } from '../store/index.ts';
import { Icon } from './Icons.tsx';

interface Snap {
  observedAt: string;
  ttlS: number;
}

/** "Measured 14:32", or the amber "Not updated since 14:32" badge once the data is stale. */
export function FreshNote({ snapshot }: { snapshot: Snap }) {
  const { t, lang } = useT();
  const now = useKiosk((s) => s.now);
  const f = freshnessOf(snapshot, now);
  const time = formatTime(snapshot.observedAt, lang);
  if (f.state === 'stale') {
    return (
      <p className="fresh stale" data-fresh="stale">
        <Icon name="clock" size={36} />
        {t('fresh.stale', { time })}
      </p>
    );
  }
  return (
    <p className="fresh" data-fresh="fresh">
      {t('fresh.measured', { time })}
    </p>
  );
}

/**
 * Shows its children only for data that is not expired; expired data is replaced by a calm
 * message and never shown as current. Missing data says so.
 */
export function FreshGate({ snapshot, children }: { snapshot: Snap | null; children: ReactNode }) {
  const { t } = useT();
  const now = useKiosk((s) => s.now);
  if (!snapshot) {
    return (
      <p className="calm" data-fresh="missing">
        {t('fresh.missing')}
      </p>
    );
  }
  if (freshnessOf(snapshot, now).state === 'expired') {
    return (
      <p className="calm" data-fresh="expired">
        {t('fresh.expired')}
      </p>
    );
  }
  return (
    <>
      {children}
      <FreshNote snapshot={snapshot} />
    </>
  );
}

/** True while the snapshot may be shown (fresh or stale). */
export function useShowable(snapshot: Snap | null): boolean {
  const now = useKiosk((s) => s.now);
  return !!snapshot && freshnessOf(snapshot, now).state !== 'expired';
}
