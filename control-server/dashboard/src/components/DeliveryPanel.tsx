import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Delivery } from '../../../api/routes-dashboard/fleet-view.ts';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { canSee } from '../roles.ts';
import { useSession } from '../session.ts';
import { useAsync } from '../lib/useAsync.ts';
import { Link } from './Link.tsx';
import { ErrorNote } from './Notice.tsx';

/** "N of M targeted screens have it", live, with the laggards listed. */
export function DeliveryPanel({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const d = useAsync(
    () => api.get<Delivery>(`/campaigns/${encodeURIComponent(campaignId)}/delivery`),
    [campaignId],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      d.reload();
    }, 300);
  };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useLive('delivery', (e) => {
    if (e.campaignId !== campaignId) return;
    d.setData((cur) => (cur ? { ...cur, version: e.version, targeted: e.targeted, have: e.have } : cur));
    refresh();
  });
  useLive('presence', refresh);
  useLive('campaign', (e) => e.id === campaignId && refresh());

  const v = d.data;
  const laggards = v?.screens.filter((s) => !s.has) ?? [];
  const pct = v && v.targeted > 0 ? Math.round((100 * v.have) / v.targeted) : 0;
  return (
    <section className="card delivery" aria-labelledby="delivery-title">
      <h2 id="delivery-title">{t('delivery.title')}</h2>
      <ErrorNote error={d.error} />
      {v && (
        <>
          <p className="big" data-testid="delivery-count" aria-live="polite">
            {t('delivery.count', { have: v.have, targeted: v.targeted })}
          </p>
          <progress
            max={Math.max(1, v.targeted)}
            value={v.have}
            aria-label={t('delivery.progress', { pct })}
          />
          <p className="muted small">{t('delivery.version', { version: v.version })}</p>
          {v.targeted === 0 && <p className="notice warn">{t('delivery.noneTargeted')}</p>}
          {laggards.length > 0 && (
            <>
              <h3>{t('delivery.laggards', { n: laggards.length })}</h3>
              <table className="table compact" data-testid="laggards">
                <thead>
                  <tr>
                    <th scope="col">{t('fleet.screen')}</th>
                    <th scope="col">{t('fleet.state')}</th>
                    <th scope="col">{t('delivery.holds')}</th>
                  </tr>
                </thead>
                <tbody>
                  {laggards.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {canSee(session.role, '/fleet') ? (
                          <Link href={`/fleet/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                        ) : (
                          s.name
                        )}
                      </td>
                      <td>{s.online ? t('state.online') : t('state.offline')}</td>
                      <td>
                        {s.heldVersion === null
                          ? t('delivery.nothing')
                          : t('delivery.old', { version: s.heldVersion })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
