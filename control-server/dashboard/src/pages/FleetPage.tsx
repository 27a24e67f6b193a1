import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenView } from '../../../../protocol/index.ts';
import { Link } from '../components/Link.tsx';
import { MapView } from '../components/MapView.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { loadAlerts } from '../lib/alerts.ts';
import { STATE_COLORS, type ScreenState, loadScreens, screenState } from '../lib/data.ts';
import { fmtAge } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useLive } from '../live.ts';
import { navigate } from '../router.ts';

export function FleetPage() {
  const { t, i18n } = useTranslation();
  const screens = useAsync(loadScreens, []);
  const alerts = useAsync(() => loadAlerts(), []);
  const [q, setQ] = useState('');
  const [state, setState] = useState<'' | ScreenState>('');
  const [profile, setProfile] = useState('');
  const [group, setGroup] = useState('');

  useLive('presence', (e) =>
    screens.setData((cur) =>
      cur?.map((s) => (s.id === e.screenId ? { ...s, online: e.online, lastSeen: e.at } : s)),
    ),
  );
  useLive('health', (e) =>
    screens.setData((cur) =>
      cur?.map((s) => (s.id === e.screenId ? { ...s, health: e.health, lastSeen: e.health.at } : s)),
    ),
  );
  useLive('alert', () => alerts.reload());

  const alerting = useMemo(
    () =>
      new Set(
        (alerts.data ?? []).filter((a) => !a.resolvedAt && a.kind !== 'offline').map((a) => a.screenId),
      ),
    [alerts.data],
  );
  const all = screens.data ?? [];
  const groups = useMemo(() => [...new Set(all.flatMap((s) => s.groups))].sort(), [all]);
  const list = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return all
      .filter(
        (s) =>
          (!needle ||
            s.name.toLowerCase().includes(needle) ||
            s.id.toLowerCase().includes(needle) ||
            s.tags.some((x) => x.toLowerCase().includes(needle))) &&
          (!state || screenState(s, alerting) === state) &&
          (!profile || s.profile === profile) &&
          (!group || s.groups.includes(group)),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [all, q, state, profile, group, alerting]);
  const counts = useMemo(() => {
    const c = { online: 0, degraded: 0, offline: 0 };
    for (const s of all) c[screenState(s, alerting)]++;
    return c;
  }, [all, alerting]);
  const markers = useMemo(
    () =>
      list.map((s) => {
        const st = screenState(s, alerting);
        return {
          id: s.id,
          lat: s.location.lat,
          lon: s.location.lon,
          label: `${s.name} — ${t(`state.${st}`)}`,
          color: STATE_COLORS[st],
        };
      }),
    [list, alerting, t],
  );
  const now = Date.now();

  if (screens.loading && !screens.data) return <Loading />;
  return (
    <section className="page">
      <h1>{t('fleet.title')}</h1>
      <ErrorNote error={screens.error} />
      <p className="legend">
        <span className="sr-only">{t('fleet.summary')}:</span>
        {(['online', 'degraded', 'offline'] as const).map((k) => (
          <span key={k} className={`pill state-${k}`}>
            <span className="dot" aria-hidden="true" style={{ background: STATE_COLORS[k] }} />
            {t(`state.${k}`)}: <strong>{counts[k]}</strong>
          </span>
        ))}
      </p>
      <MapView
        label={t('fleet.mapLabel')}
        markers={markers}
        onMarkerClick={(id) => navigate(`/fleet/${encodeURIComponent(id)}`)}
        height={380}
      />
      <div className="filters row wrap">
        <label>
          {t('common.search')}
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <label>
          {t('fleet.state')}
          <select value={state} onChange={(e) => setState(e.target.value as '' | ScreenState)}>
            <option value="">{t('common.all')}</option>
            <option value="online">{t('state.online')}</option>
            <option value="degraded">{t('state.degraded')}</option>
            <option value="offline">{t('state.offline')}</option>
          </select>
        </label>
        <label>
          {t('fleet.profile')}
          <select value={profile} onChange={(e) => setProfile(e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="street-kiosk">{t('profile.street-kiosk')}</option>
            <option value="info-screen">{t('profile.info-screen')}</option>
            <option value="parking-post">{t('profile.parking-post')}</option>
          </select>
        </label>
        <label>
          {t('fleet.group')}
          <select value={group} onChange={(e) => setGroup(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {groups.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted small" aria-live="polite">
        {t('fleet.showing', { n: list.length, total: all.length })}
      </p>
      <table className="table" data-testid="fleet-list">
        <thead>
          <tr>
            <th scope="col">{t('fleet.screen')}</th>
            <th scope="col">{t('fleet.state')}</th>
            <th scope="col">{t('fleet.profile')}</th>
            <th scope="col">{t('fleet.temp')}</th>
            <th scope="col">{t('fleet.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((s: ScreenView) => {
            const st = screenState(s, alerting);
            return (
              <tr key={s.id}>
                <td>
                  <Link href={`/fleet/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                  <div className="muted small">{s.id}</div>
                </td>
                <td>
                  <span className={`pill state-${st}`}>
                    <span className="dot" aria-hidden="true" style={{ background: STATE_COLORS[st] }} />
                    {t(`state.${st}`)}
                  </span>
                </td>
                <td>{t(`profile.${s.profile}`)}</td>
                <td>{s.health?.temperatureC != null ? `${s.health.temperatureC.toFixed(0)} °C` : '—'}</td>
                <td>{fmtAge(s.lastSeen, now, i18n.language)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
