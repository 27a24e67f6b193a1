import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Campaign } from '../../../../protocol/index.ts';
import { isScheduledAt } from '../../../../protocol/schedule.ts';
import { api } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { loadCampaigns } from '../lib/data.ts';
import { fmtDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useLive } from '../live.ts';

interface DeliverySummary {
  campaignId: string;
  version: number;
  targeted: number;
  have: number;
}

export function CampaignsPage() {
  const { t, i18n } = useTranslation();
  const campaigns = useAsync(loadCampaigns, []);
  const deliveries = useAsync(
    async () => (await api.get<{ deliveries: DeliverySummary[] }>('/deliveries')).deliveries,
    [],
  );
  const [q, setQ] = useState('');
  useLive('campaign', () => campaigns.reload());
  useLive('delivery', (e) =>
    deliveries.setData((cur) => [...(cur ?? []).filter((d) => d.campaignId !== e.campaignId), e]),
  );
  const byId = useMemo(
    () => new Map((deliveries.data ?? []).map((d) => [d.campaignId, d])),
    [deliveries.data],
  );
  const list = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (campaigns.data ?? [])
      .filter((c) => !needle || c.name.toLowerCase().includes(needle) || c.id.toLowerCase().includes(needle))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }, [campaigns.data, q]);
  const now = Date.now();

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('campaigns.title')}</h1>
        <Link className="button" href="/campaigns/new">
          {t('campaigns.new')}
        </Link>
      </div>
      <label className="search">
        {t('common.search')}
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      <ErrorNote error={campaigns.error} />
      {campaigns.loading && !campaigns.data ? (
        <Loading />
      ) : list.length === 0 ? (
        <p className="muted">{t('campaigns.none')}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('campaign.name')}</th>
              <th scope="col">{t('campaign.priority')}</th>
              <th scope="col">{t('campaigns.playingNow')}</th>
              <th scope="col">{t('campaigns.delivery')}</th>
              <th scope="col">{t('campaigns.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((c: Campaign) => {
              const d = byId.get(c.id);
              return (
                <tr key={c.id}>
                  <td>
                    <Link href={`/campaigns/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                    <div className="muted small">
                      {c.id} · v{c.version}
                    </div>
                  </td>
                  <td>
                    <span className={`badge prio-${c.priority}`}>{t(`priority.${c.priority}`)}</span>
                  </td>
                  <td>{isScheduledAt(c.schedule, now) ? t('common.yes') : t('common.no')}</td>
                  <td data-testid={`delivery-${c.id}`}>
                    {d && d.version === c.version
                      ? t('delivery.count', { have: d.have, targeted: d.targeted })
                      : '—'}
                  </td>
                  <td>{fmtDateTime(c.updatedAt, i18n.language)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
