import { useT } from '../i18n.ts';
import { selectOnline, useKiosk } from '../store/index.ts';
import { Icon } from './Icons.tsx';

/** While the agent (or the renderer's link to it) is offline. */
export function OfflineBanner() {
  const { t } = useT();
  const online = useKiosk(selectOnline);
  const known = useKiosk((s) => s.kiosk !== null);
  if (online || !known) return null;
  return (
    <div className="offline-banner" role="status" data-banner="offline">
      <Icon name="offline" size={44} />
      <span>{t('offline.banner')}</span>
    </div>
  );
}

/** The "identify" command: the screen id in large type until identifyUntil. */
export function IdentifyBanner() {
  const { t } = useT();
  const id = useKiosk((s) => {
    const until = s.kiosk?.identifyUntil;
    return until && Date.parse(until) > s.now ? s.kiosk!.screenId : null;
  });
  if (!id) return null;
  return (
    <div className="identify-banner" role="status" data-banner="identify">
      {t('identify.banner', { id })}
    </div>
  );
}
