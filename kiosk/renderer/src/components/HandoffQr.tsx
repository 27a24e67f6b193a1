import '../styles/handoff.css';
import { useOptions } from '../context.ts';
import { useT } from '../i18n.ts';
import { type MobileRoute, handoffUrl } from '../lib/handoff.ts';
import { useKiosk } from '../store/index.ts';
import { QrCode } from './QrCode.tsx';

/**
 * The hand-off code of a street-kiosk data view: the same stop, bath, zone or event on the visitor's
 * phone (`{mobileBaseUrl}#/{view}/{id}?lang=xx`). Nothing about the screen or the visitor is in it.
 * Shown only on the street kiosk, and only when the screen's config names the mobile companion's URL.
 */
export function HandoffQr({ route, size = 200 }: { route: Omit<MobileRoute, 'lang'>; size?: number }) {
  const { t, lang } = useT();
  const opts = useOptions();
  const base = useKiosk((s) => s.kiosk?.config?.mobileBaseUrl ?? null);
  const profile = useKiosk((s) => opts.profile ?? s.kiosk?.config?.profile ?? 'street-kiosk');
  if (profile !== 'street-kiosk') return null;
  const url = handoffUrl(base, { ...route, lang });
  if (!url) return null;
  return (
    <div className="handoff" data-handoff={url}>
      <QrCode text={url} label={t('mobile.handoffAlt')} size={size} />
      <p className="handoff-text">{t('mobile.handoff')}</p>
    </div>
  );
}
