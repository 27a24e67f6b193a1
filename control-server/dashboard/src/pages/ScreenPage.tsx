import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthPoint } from '../../../api/routes-dashboard/health-history.ts';
import type { CommandRequest, CommandResult, ScreenDetail } from '../../../../protocol/index.ts';
import { ApiError, api, fetchObjectUrl } from '../api.ts';
import { AlertList } from '../components/AlertList.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { HealthChart } from '../components/HealthChart.tsx';
import { ErrorNote, Loading } from '../components/Notice.tsx';
import { loadAlerts } from '../lib/alerts.ts';
import { STATE_COLORS, screenState } from '../lib/data.ts';
import { fmtAge, fmtBytes, fmtDateTime, fmtTime } from '../lib/format.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useLive } from '../live.ts';
import { canCommand } from '../roles.ts';
import { useSession } from '../session.ts';

interface SentCommand {
  id: string;
  type: string;
  issuedAt: string;
  result: CommandResult | null;
  error?: string;
}

export function ScreenPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const enc = encodeURIComponent(id);
  const screen = useAsync(() => api.get<ScreenDetail>(`/screens/${enc}`), [id]);
  const history = useAsync(
    async () => (await api.get<{ points: HealthPoint[] }>(`/screens/${enc}/health-history?hours=6`)).points,
    [id],
  );
  const alerts = useAsync(async () => (await loadAlerts(true)).filter((a) => a.screenId === id), [id]);
  const [shotUrl, setShotUrl] = useState<string | null>(null);
  const [shotTick, setShotTick] = useState(0);
  const [sent, setSent] = useState<SentCommand[]>([]);
  const [brightness, setBrightness] = useState(80);
  const [confirmReboot, setConfirmReboot] = useState(false);

  useEffect(() => {
    let url: string | null = null;
    void fetchObjectUrl(`/api/v1/screens/${enc}/screenshot?t=${shotTick}`).then((u) => {
      url = u;
      setShotUrl(u);
    });
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [enc, shotTick]);

  useLive(
    'presence',
    (e) => e.screenId === id && screen.setData((s) => s && { ...s, online: e.online, lastSeen: e.at }),
  );
  useLive('health', (e) => {
    if (e.screenId !== id) return;
    screen.setData((s) => s && { ...s, health: e.health, lastSeen: e.health.at });
    history.reload();
  });
  useLive('alert', (e) => e.alert.screenId === id && alerts.reload());
  useLive('command-result', (e) => {
    if (e.screenId !== id) return;
    setSent((cur) => cur.map((c) => (c.id === e.result.id ? { ...c, result: e.result } : c)));
    if (e.result.type === 'screenshot' && e.result.ok) setShotTick((x) => x + 1);
  });

  async function send(cmd: CommandRequest) {
    const issuedAt = new Date().toISOString();
    try {
      const r = await api.post<{ id: string }>(`/screens/${enc}/commands`, cmd);
      setSent((cur) => [{ id: r.id, type: cmd.type, issuedAt, result: null }, ...cur].slice(0, 20));
    } catch (e) {
      setSent((cur) =>
        [
          {
            id: `err-${issuedAt}`,
            type: cmd.type,
            issuedAt,
            result: null,
            error: e instanceof ApiError ? e.message : String(e),
          },
          ...cur,
        ].slice(0, 20),
      );
    }
  }

  const points = history.data ?? [];
  const labels = useMemo(() => points.map((p) => fmtTime(p.t, i18n.language)), [points, i18n.language]);
  const s = screen.data;
  if (screen.loading && !s) return <Loading />;
  if (!s) return <ErrorNote error={screen.error} />;
  const alerting = new Set(
    (alerts.data ?? []).filter((a) => !a.resolvedAt && a.kind !== 'offline').map((a) => a.screenId),
  );
  const st = screenState(s, alerting);
  const h = s.health;
  const allowed = canCommand(session.role);

  return (
    <section className="page screen-page">
      <div className="page-head">
        <h1>{s.name}</h1>
        <span className={`pill state-${st}`} data-testid="screen-state">
          <span className="dot" aria-hidden="true" style={{ background: STATE_COLORS[st] }} />
          {t(`state.${st}`)}
        </span>
      </div>
      <dl className="facts">
        <div>
          <dt>{t('fleet.id')}</dt>
          <dd>
            <code>{s.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('fleet.profile')}</dt>
          <dd>{t(`profile.${s.profile}`)}</dd>
        </div>
        <div>
          <dt>{t('fleet.lastSeen')}</dt>
          <dd>{fmtAge(s.lastSeen, Date.now(), i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('fleet.groups')}</dt>
          <dd>{s.groups.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>{t('fleet.tags')}</dt>
          <dd>{s.tags.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>{t('fleet.versions')}</dt>
          <dd>
            {s.appVersion ?? '—'} / {s.contentVersion ?? '—'}
          </dd>
        </div>
        <div>
          <dt>{t('fleet.temp')}</dt>
          <dd>{h?.temperatureC != null ? `${h.temperatureC.toFixed(1)} °C` : '—'}</dd>
        </div>
        <div>
          <dt>{t('fleet.disk')}</dt>
          <dd>{h?.disk ? `${fmtBytes(h.disk.freeBytes)} / ${fmtBytes(h.disk.totalBytes)}` : '—'}</dd>
        </div>
        <div>
          <dt>{t('fleet.theme')}</dt>
          <dd>
            {s.theme === 'day'
              ? t('fleet.themeDay')
              : s.theme === 'night'
                ? t('fleet.themeNight')
                : t('fleet.themeAuto')}
          </dd>
        </div>
        <div>
          <dt>{t('fleet.map')}</dt>
          <dd>
            {h?.mapTiles?.state === 'ok'
              ? t('fleet.mapTilesOk', {
                  kind: h.mapTiles.kind === 'pmtiles' ? 'PMTiles' : 'MBTiles',
                  format: h.mapTiles.format ?? '?',
                  served: h.mapTiles.served,
                })
              : h?.mapTiles?.state === 'error'
                ? t('fleet.mapTilesError', { message: h.mapTiles.message ?? '' })
                : t('fleet.mapBuiltIn')}
          </dd>
        </div>
        <div>
          <dt>{t('fleet.renderer')}</dt>
          <dd>{h ? `${h.renderer.state} (${t('fleet.restarts', { n: h.renderer.restarts })})` : '—'}</dd>
        </div>
      </dl>
      <div className="two-col">
        <div className="col-main">
          {allowed && (
            <section className="card" aria-labelledby="cmd-title">
              <h2 id="cmd-title">{t('commands.title')}</h2>
              <div className="row wrap">
                <button type="button" onClick={() => void send({ type: 'reload' })}>
                  {t('commands.reload')}
                </button>
                <button type="button" onClick={() => void send({ type: 'screenshot' })}>
                  {t('commands.screenshot')}
                </button>
                <button type="button" onClick={() => void send({ type: 'identify', durationS: 30 })}>
                  {t('commands.identify')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void send({ type: 'clear-cache' })}
                >
                  {t('commands.clearCache')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void send({ type: 'display', on: !(h?.display.on ?? true) })}
                >
                  {h?.display.on === false ? t('commands.displayOn') : t('commands.displayOff')}
                </button>
                <button type="button" className="danger" onClick={() => setConfirmReboot(true)}>
                  {t('commands.reboot')}
                </button>
              </div>
              <div className="row wrap brightness">
                <label className="inline">
                  <span>{t('commands.brightness')}</span>
                  <input
                    type="range"
                    min={0}
                    max={100}
                    value={brightness}
                    onChange={(e) => setBrightness(Number(e.target.value))}
                  />
                  <output>{brightness} %</output>
                </label>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => void send({ type: 'brightness', level: brightness })}
                >
                  {t('commands.setBrightness')}
                </button>
              </div>
              <h3>{t('commands.results')}</h3>
              {sent.length === 0 ? (
                <p className="muted small">{t('commands.noneYet')}</p>
              ) : (
                <table className="table compact" data-testid="command-results">
                  <thead>
                    <tr>
                      <th scope="col">{t('commands.command')}</th>
                      <th scope="col">{t('commands.sent')}</th>
                      <th scope="col">{t('commands.outcome')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sent.map((c) => (
                      <tr key={c.id} data-command={c.type}>
                        <td>{t(`commands.type.${c.type}`, { defaultValue: c.type })}</td>
                        <td>{fmtTime(c.issuedAt, i18n.language)}</td>
                        <td className={c.error || c.result?.ok === false ? 'bad' : c.result ? 'good' : ''}>
                          {c.error
                            ? t('commands.refused', { reason: c.error })
                            : !c.result
                              ? t('commands.pending')
                              : c.result.ok
                                ? `✓ ${t('commands.ok')}${c.result.message ? ` — ${c.result.message}` : ''}`
                                : `✗ ${t('commands.failed')}${c.result.message ? ` — ${c.result.message}` : ''}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          )}
          <section className="card" aria-labelledby="health-title">
            <h2 id="health-title">{t('health.title')}</h2>
            <ErrorNote error={history.error} />
            {points.length === 0 ? (
              <p className="muted">{t('health.none')}</p>
            ) : (
              <div className="charts">
                <HealthChart
                  title={t('health.cpuMem')}
                  unit="%"
                  max={100}
                  labels={labels}
                  series={[
                    { label: t('health.cpu'), color: '#0b5cad', values: points.map((p) => p.cpuPercent) },
                    {
                      label: t('health.memory'),
                      color: '#7b3fa0',
                      values: points.map((p) => p.memoryUsedPercent),
                    },
                  ]}
                />
                <HealthChart
                  title={t('health.temperature')}
                  unit="°C"
                  labels={labels}
                  series={[
                    {
                      label: t('health.temperature'),
                      color: '#c62828',
                      values: points.map((p) => p.temperatureC),
                    },
                  ]}
                />
                <HealthChart
                  title={t('health.diskFree')}
                  unit="%"
                  max={100}
                  labels={labels}
                  series={[
                    {
                      label: t('health.diskFree'),
                      color: '#1f7a4d',
                      values: points.map((p) => p.diskFreePercent),
                    },
                  ]}
                />
              </div>
            )}
          </section>
        </div>
        <aside className="col-side">
          <section className="card" aria-labelledby="shot-title">
            <h2 id="shot-title">{t('screenshot.title')}</h2>
            {shotUrl ? (
              <img
                className="screenshot"
                src={shotUrl}
                alt={t('screenshot.alt', { name: s.name })}
                data-testid="screenshot"
              />
            ) : (
              <p className="muted">{t('screenshot.none')}</p>
            )}
          </section>
          <section className="card" aria-labelledby="screen-alerts">
            <h2 id="screen-alerts">{t('alerts.title')}</h2>
            <AlertList alerts={alerts.data ?? []} onChange={() => alerts.reload()} showScreen={false} />
          </section>
          {h && (
            <section className="card" aria-labelledby="feeds-on-screen">
              <h2 id="feeds-on-screen">{t('feeds.onScreen')}</h2>
              {h.feeds.length === 0 && <p className="muted">{t('feeds.noneOnScreen')}</p>}
              <ul className="plain">
                {h.feeds.map((f) => (
                  <li key={`${f.kind}/${f.id}`}>
                    {t(`feedKind.${f.kind}`)} {f.id}: <strong>{t(`freshness.${f.state}`)}</strong>
                    {f.ageS !== null && <span className="muted small"> ({Math.round(f.ageS / 60)} min)</span>}
                  </li>
                ))}
              </ul>
              <p className="muted small">
                {t('health.reportedAt', { at: fmtDateTime(h.at, i18n.language) })}
              </p>
            </section>
          )}
        </aside>
      </div>
      <ConfirmDialog
        open={confirmReboot}
        title={t('commands.confirmRebootTitle')}
        body={t('commands.confirmReboot', { name: s.name })}
        confirmLabel={t('commands.reboot')}
        danger
        onCancel={() => setConfirmReboot(false)}
        onConfirm={() => {
          setConfirmReboot(false);
          void send({ type: 'reboot' });
        }}
      />
    </section>
  );
}
