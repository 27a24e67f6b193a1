import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import type { Alert } from '../lib/alerts.ts';
import { fmtDateTime } from '../lib/format.ts';
import { canCommand } from '../roles.ts';
import { useSession } from '../session.ts';
import { Link } from './Link.tsx';

export function alertText(a: Alert, t: (k: string, o?: Record<string, unknown>) => string): string {
  return t(`alertKind.${a.kind}`, { ...a.detail });
}

export function AlertList({
  alerts,
  onChange,
  showScreen = true,
}: {
  alerts: Alert[];
  onChange: () => void;
  showScreen?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  if (alerts.length === 0) return <p className="muted">{t('alerts.none')}</p>;
  return (
    <ul className="alerts" data-testid="alerts">
      {alerts.map((a) => (
        <li key={a.id} className={`alert sev-${a.severity} ${a.resolvedAt ? 'resolved' : ''}`}>
          <div>
            <span className={`badge sev-${a.severity}`}>{t(`severity.${a.severity}`)}</span>{' '}
            {showScreen && (
              <>
                <Link href={`/fleet/${encodeURIComponent(a.screenId)}`}>{a.screenId}</Link>:{' '}
              </>
            )}
            <strong>{alertText(a, t)}</strong>
          </div>
          <div className="muted small">
            {t('alerts.since', { at: fmtDateTime(a.raisedAt, i18n.language) })}
            {a.resolvedAt && ` · ${t('alerts.resolved', { at: fmtDateTime(a.resolvedAt, i18n.language) })}`}
            {a.acknowledged &&
              ` · ${t('alerts.ackedBy', { by: a.acknowledged.by, at: fmtDateTime(a.acknowledged.at, i18n.language) })}`}
          </div>
          {!a.resolvedAt && !a.acknowledged && canCommand(session.role) && (
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                void api.post(`/alerts/${encodeURIComponent(a.id)}/ack`).then(onChange, onChange)
              }
            >
              {t('alerts.ack')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
