import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../../store/schema.ts';
import { api } from '../api.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { fmtDateTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [q, setQ] = useState('');
  const [outcome, setOutcome] = useState('');
  const [applied, setApplied] = useState({ q: '', outcome: '' });
  const params = new URLSearchParams({ limit: '200' });
  if (applied.q) params.set('q', applied.q);
  if (applied.outcome) params.set('outcome', applied.outcome);
  const qs = params.toString();
  const audit = useAsync(() => api.get<{ entries: AuditEntry[] }>(`/audit?${qs}`), [qs]);
  return (
    <section className="page">
      <h1>{t('audit.title')}</h1>
      <form
        className="row wrap card"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ q, outcome });
        }}
      >
        <label>
          {t('common.search')}
          <input
            type="search"
            name="q"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('audit.placeholder')}
          />
        </label>
        <label>
          {t('audit.outcome')}
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {['ok', 'denied', 'invalid', 'not-found', 'error'].map((o) => (
              <option key={o} value={o}>
                {t(`outcome.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorNote error={audit.error} />
      {audit.loading && !audit.data ? (
        <Loading />
      ) : (audit.data?.entries.length ?? 0) === 0 ? (
        <p className="muted">{t('audit.none')}</p>
      ) : (
        <table className="table compact" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">{t('audit.at')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.entries.map((e) => (
              <tr key={e.seq}>
                <td>{fmtDateTime(e.at, i18n.language)}</td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target ?? '—'}</td>
                <td className={e.outcome === 'ok' ? '' : 'bad'}>
                  {t(`outcome.${e.outcome}`)} {e.status ? `(${e.status})` : ''}
                  {e.detail && <div className="muted small">{e.detail}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
