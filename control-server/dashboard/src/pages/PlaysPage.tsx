import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlayRow, PlaysSummaryRow } from '../../../fleet/plays.ts';
import { api, authHeader } from '../api.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { fmtDateTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { loadCampaigns } from '../lib/data.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useLive } from '../live.ts';

interface PlaysAnswer {
  rows: PlayRow[];
  summary: PlaysSummaryRow[];
  truncated: boolean;
}

/** Proof of play: totals per campaign and screen over a period, hourly detail, CSV export. */
export function PlaysPage() {
  const { t, i18n } = useTranslation();
  const [from, setFrom] = useState(() =>
    isoToLocalInput(new Date(Date.now() - 7 * 86_400_000).toISOString()),
  );
  const [to, setTo] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const campaigns = useAsync(loadCampaigns, []);
  const params = new URLSearchParams();
  const f = localInputToIso(from);
  const tt = localInputToIso(to);
  if (f) params.set('from', f);
  if (tt) params.set('to', tt);
  if (campaignId) params.set('campaignId', campaignId);
  const qs = params.toString();
  const plays = useAsync(() => api.get<PlaysAnswer>(`/plays?${qs}`), [qs]);
  useLive('plays', () => plays.reload());

  async function downloadCsv() {
    const res = await fetch(`/api/v1/plays.csv?${qs}`, { headers: authHeader() });
    if (!res.ok) return;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `proof-of-play-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  const names = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
  const total = (plays.data?.summary ?? []).reduce((n, r) => n + r.plays, 0);
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('plays.title')}</h1>
        <button type="button" onClick={() => void downloadCsv()}>
          {t('plays.csv')}
        </button>
      </div>
      <div className="row wrap card">
        <label>
          {t('plays.from')}
          <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('plays.to')}
          <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          {t('plays.campaign')}
          <select value={campaignId} onChange={(e) => setCampaignId(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {(campaigns.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={plays.error} />
      {plays.loading && !plays.data ? (
        <Loading />
      ) : (
        <>
          <p aria-live="polite">{t('plays.total', { n: total })}</p>
          {(plays.data?.summary.length ?? 0) === 0 ? (
            <p className="muted">{t('plays.none')}</p>
          ) : (
            <table className="table" data-testid="plays-summary">
              <thead>
                <tr>
                  <th scope="col">{t('plays.campaign')}</th>
                  <th scope="col">{t('fleet.screen')}</th>
                  <th scope="col" className="num">
                    {t('plays.count')}
                  </th>
                  <th scope="col" className="num">
                    {t('plays.seconds')}
                  </th>
                  <th scope="col">{t('plays.period')}</th>
                </tr>
              </thead>
              <tbody>
                {plays.data?.summary.map((r) => (
                  <tr key={`${r.campaignId}/${r.screenId}`}>
                    <td>{names.get(r.campaignId) ?? r.campaignId}</td>
                    <td>{r.screenId}</td>
                    <td className="num">{r.plays}</td>
                    <td className="num">{Math.round(r.seconds)}</td>
                    <td className="small">
                      {fmtDateTime(r.firstHour, i18n.language)} –{' '}
                      {fmtDateTime(new Date(Date.parse(r.lastHour) + 3_600_000).toISOString(), i18n.language)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
