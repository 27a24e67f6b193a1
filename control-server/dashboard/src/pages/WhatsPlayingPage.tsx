import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplayHours, ScreenView } from '../../../../protocol/index.ts';
import { screenAt } from '../../../../protocol/schedule.ts';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { loadCampaigns, loadScreens } from '../lib/data.ts';
import { fmtDateTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { pickText } from '../lib/text.ts';
import { useAsync } from '../lib/useAsync.ts';
import { queryParam } from '../router.ts';

/** "What does screen X show at time T", with protocol/schedule.ts: the function the screens run. */
export function WhatsPlayingPage() {
  const { t, i18n } = useTranslation();
  const screens = useAsync(loadScreens, []);
  const campaigns = useAsync(loadCampaigns, []);
  const [screenId, setScreenId] = useState<string>(queryParam('screen') ?? '');
  const [when, setWhen] = useState(() => isoToLocalInput(new Date().toISOString()));
  const screen: ScreenView | undefined = useMemo(
    () => (screens.data ?? []).find((s) => s.id === screenId) ?? screens.data?.[0],
    [screens.data, screenId],
  );
  const at = Date.parse(localInputToIso(when) ?? '') || Date.now();
  const result = useMemo(() => {
    if (!screen || !campaigns.data) return null;
    const displayHours = (screen as ScreenView & { displayHours?: DisplayHours | null }).displayHours ?? null;
    const identity = {
      id: screen.id,
      groups: screen.groups,
      tags: screen.tags,
      location: screen.location,
      displayHours,
    };
    const hours = Array.from({ length: 24 }, (_, h) => {
      const day = new Date(at);
      const local = isoToLocalInput(day.toISOString()).slice(0, 10);
      const ms = Date.parse(localInputToIso(`${local}T${String(h).padStart(2, '0')}:00`) ?? '');
      return { h, r: screenAt(identity, campaigns.data ?? [], ms) };
    });
    return { now: screenAt(identity, campaigns.data, at), hours };
  }, [screen, campaigns.data, at]);

  if ((screens.loading && !screens.data) || (campaigns.loading && !campaigns.data)) return <Loading />;
  return (
    <section className="page">
      <h1>{t('whats.title')}</h1>
      <ErrorNote error={screens.error ?? campaigns.error} />
      <div className="row wrap card">
        <label>
          {t('fleet.screen')}
          <select value={screen?.id ?? ''} onChange={(e) => setScreenId(e.target.value)}>
            {(screens.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('whats.time')}
          <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <button
          type="button"
          className="secondary"
          onClick={() => setWhen(isoToLocalInput(new Date().toISOString()))}
        >
          {t('whats.now')}
        </button>
      </div>
      {!screen && <p className="muted">{t('fleet.none')}</p>}
      {screen && result && (
        <div className="two-col">
          <section className="card col-main" aria-labelledby="whats-result" data-testid="whats-result">
            <h2 id="whats-result">
              {t('whats.resultTitle', {
                screen: screen.name,
                time: fmtDateTime(new Date(at).toISOString(), i18n.language),
              })}
            </h2>
            {!result.now.displayOn && <p className="notice warn">{t('whats.displayOff')}</p>}
            {result.now.emergency && (
              <p className="notice error">{t('whats.emergency', { name: result.now.emergency.name })}</p>
            )}
            {result.now.campaigns.length === 0 && !result.now.emergency ? (
              <p>{t('whats.nothing')}</p>
            ) : (
              <ol className="playlist">
                {(result.now.emergency ? [result.now.emergency] : result.now.campaigns).map((c) => (
                  <li key={c.id}>
                    <strong>{c.name}</strong>{' '}
                    <span className={`badge prio-${c.priority}`}>{t(`priority.${c.priority}`)}</span>
                    <ul>
                      {c.slides.map((s, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: slides are positional
                        <li key={i}>
                          {t(`campaign.kind.${s.kind}`)} · {s.durationS} s ·{' '}
                          {pickText(s.title, i18n.language) || '—'}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <section className="card col-side" aria-labelledby="whats-day">
            <h2 id="whats-day">{t('whats.day')}</h2>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{t('whats.hour')}</th>
                  <th scope="col">{t('whats.plays')}</th>
                </tr>
              </thead>
              <tbody>
                {result.hours.map(({ h, r }) => (
                  <tr key={h}>
                    <td>{String(h).padStart(2, '0')}:00</td>
                    <td>
                      {!r.displayOn
                        ? t('whats.off')
                        : r.emergency
                          ? `⚠ ${r.emergency.name}`
                          : r.campaigns.map((c) => c.name).join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </section>
  );
}
