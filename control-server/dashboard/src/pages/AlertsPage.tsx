import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AlertList } from '../components/AlertList.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { loadAlerts } from '../lib/alerts.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useLive } from '../live.ts';

export function AlertsPage() {
  const { t } = useTranslation();
  const [history, setHistory] = useState(false);
  const [kind, setKind] = useState('');
  const alerts = useAsync(() => loadAlerts(history), [history]);
  useLive('alert', () => alerts.reload());
  const list = (alerts.data ?? []).filter((a) => !kind || a.kind === kind);
  const open = (alerts.data ?? []).filter((a) => !a.resolvedAt && !a.acknowledged).length;
  return (
    <section className="page">
      <h1>{t('alerts.title')}</h1>
      <p aria-live="polite">{t('alerts.open', { n: open })}</p>
      <div className="row wrap">
        <label>
          {t('alerts.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {[
              'offline',
              'temperature',
              'low-disk',
              'stale-feed',
              'invalid-messages',
              'renderer-restarts',
            ].map((k) => (
              <option key={k} value={k}>
                {t(`alertKindName.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={history} onChange={(e) => setHistory(e.target.checked)} />
          {t('alerts.showResolved')}
        </label>
      </div>
      <ErrorNote error={alerts.error} />
      {alerts.loading && !alerts.data ? (
        <Loading />
      ) : (
        <AlertList alerts={list} onChange={() => alerts.reload()} />
      )}
    </section>
  );
}
