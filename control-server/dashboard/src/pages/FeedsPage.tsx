import { useTranslation } from 'react-i18next';
import type { FeedHealth } from '../../../api/routes-dashboard/feeds-health.ts';
import { api } from '../api.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { fmtAge, fmtDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';

/** One source of the feed poller, as it reports itself (control-server/feeds SourceHealth). */
interface SourceHealth {
  id: string;
  kind: string;
  format: string;
  demo: boolean;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  itemCount: number;
  nextPollAt: string | null;
}

function sourcesOf(poller: Record<string, unknown> | null | undefined): SourceHealth[] {
  const list = poller?.sources;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is SourceHealth =>
      !!x &&
      typeof x === 'object' &&
      typeof (x as SourceHealth).id === 'string' &&
      typeof (x as SourceHealth).consecutiveFailures === 'number',
  );
}

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
          {sourcesOf(feeds.data?.poller).length > 0 && (
            <section aria-labelledby="sources-title">
              <h2 id="sources-title">{t('feeds.sources')}</h2>
              <table className="table" data-testid="feed-sources">
                <thead>
                  <tr>
                    <th scope="col">{t('feeds.sourceId')}</th>
                    <th scope="col">{t('feeds.state')}</th>
                    <th scope="col">{t('feeds.lastSuccess')}</th>
                    <th scope="col">{t('feeds.lastError')}</th>
                    <th scope="col" className="num">
                      {t('feeds.items')}
                    </th>
                    <th scope="col">{t('feeds.nextPoll')}</th>
                  </tr>
                </thead>
                <tbody>
                  {sourcesOf(feeds.data?.poller).map((src) => (
                    <tr key={src.id}>
                      <td>
                        {t(`feedKind.${src.kind}`, { defaultValue: src.kind })} <code>{src.id}</code>
                        <div className="muted small">{src.format}</div>
                        {src.demo && <span className="badge">{t('feeds.demo')}</span>}
                      </td>
                      <td>
                        {src.consecutiveFailures > 0 ? (
                          <span className="pill fresh-expired">
                            {t('feeds.failing', { n: src.consecutiveFailures })}
                          </span>
                        ) : src.lastSuccessAt ? (
                          <span className="pill fresh-fresh">{t('feeds.ok')}</span>
                        ) : (
                          <span className="pill">{t('feeds.waiting')}</span>
                        )}
                      </td>
                      <td>{fmtDateTime(src.lastSuccessAt, i18n.language)}</td>
                      <td className={src.lastError ? 'bad' : ''}>
                        {src.lastError ? (
                          <>
                            {fmtDateTime(src.lastErrorAt, i18n.language)}
                            <div className="small">{src.lastError}</div>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td className="num">{src.itemCount}</td>
                      <td>{fmtDateTime(src.nextPollAt, i18n.language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </section>
  );
}
