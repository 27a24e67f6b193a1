import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';

export function ErrorNote({ error }: { error: Error | null | undefined }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text =
    error instanceof ApiError && error.status === 403
      ? t('errors.forbidden')
      : error instanceof ApiError && error.status === 0
        ? t('errors.network')
        : error.message;
  return (
    <div className="notice error" role="alert">
      {text}
      {error instanceof ApiError && error.issues.length > 0 && (
        <ul>
          {error.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  const { t } = useTranslation();
  return (
    <p className="muted" aria-live="polite">
      {what ?? t('common.loading')}
    </p>
  );
}
