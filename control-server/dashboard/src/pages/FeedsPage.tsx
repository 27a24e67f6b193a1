import { useTranslation } from 'react-i18next';
import type { FeedHealth } from '../../../api/routes-dashboard/feeds-health.ts';
import { api } from '../api.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { fmtAge, fmtDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';

interface FeedsAnswer {
  feeds: FeedHealth[];
  poller: Record<string, unknown> | null;
}

/** Each feed's health: freshness of what the screens receive, and the poller's own report. */
export function FeedsPage() {
  const { t, i18n } = useTranslation();
  const feeds = useAsync(() => api.get<FeedsAnswer>('/feeds/health'), []);
  const now = Date.now();
  const list = feeds.data?.feeds ?? [];
  const counts = { fresh: 0, stale: 0, expired: 0 };
  for (const f of list) counts[f.state]++;
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('feeds.title')}</h1>
        <button type="button" className="secondary" onClick={() => feeds.reload()}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorNote error={feeds.error} />
      {feeds.loading && !feeds.data ? (
        <Loading />
      ) : (
        <>
          <p className="legend">
            {(['fresh', 'stale', 'expired'] as const).map((k) => (
              <span key={k} className={`pill fresh-${k}`}>
                {t(`freshness.${k}`)}: <strong>{counts[k]}</strong>
              </span>
            ))}
          </p>
          {list.length === 0 ? (
            <p className="muted">{t('feeds.none')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('feeds.feed')}</th>
                  <th scope="col">{t('feeds.state')}</th>
                  <th scope="col">{t('feeds.observed')}</th>
                  <th scope="col">{t('feeds.fetched')}</th>
                  <th scope="col">{t('feeds.source')}</th>
                  <th scope="col">{t('feeds.items')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((f) => (
                  <tr key={`${f.kind}/${f.id}`}>
                    <td>
                      {t(`feedKind.${f.kind}`)} <code>{f.id}</code>
                      {f.demo && <span className="badge">{t('feeds.demo')}</span>}
                    </td>
                    <td>
                      <span className={`pill fresh-${f.state}`}>{t(`freshness.${f.state}`)}</span>
                    </td>
                    <td>
                      {fmtDateTime(f.observedAt, i18n.language)}
                      <div className="muted small">{fmtAge(f.observedAt, now, i18n.language)}</div>
                    </td>
                    <td>{fmtDateTime(f.fetchedAt, i18n.language)}</td>
                    <td>{f.source}</td>
                    <td>{f.items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {feeds.data?.poller && (
            <section className="card">
              <h2>{t('feeds.poller')}</h2>
              <pre className="json">{JSON.stringify(feeds.data.poller, null, 2)}</pre>
            </section>
          )}
        </>
      )}
    </section>
  );
}
