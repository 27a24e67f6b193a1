import type { Health } from '../../protocol/index.ts';
import { atomicWriteJson, readJsonFile } from './atomic-json.ts';

/**
 * Fleet alerts: evaluated from each screen's presence and health reports.
 * One alert per (screen, kind) is active at a time; it can be acknowledged (it stays listed,
 * marked as seen by someone) and resolves on its own when the condition clears. A condition that
 * returns after resolving raises a new alert, which needs a new acknowledgement.
 */
export const ALERT_KINDS = [
  'offline',
  'temperature',
  'low-disk',
  'stale-feed',
  'invalid-messages',
  'renderer-restarts',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'warning' | 'critical';

export interface Alert {
  id: string;
  screenId: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** Machine-readable details, e.g. {temperatureC: 81} or {feeds: "transport/123:stale"}. */
  detail: Record<string, string | number>;
  raisedAt: string;
  /** Last time the condition was seen true. */
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledged: { by: string; at: string } | null;
}

export interface AlertThresholds {
  /** Offline for this long raises "offline" (the issue asks for 2 minutes). */
  offlineAfterS: number;
  temperatureWarnC: number;
  temperatureCriticalC: number;
  /** Free disk share below which "low-disk" is raised; critical below a third of it. */
  diskFreeWarnRatio: number;
  /** ... or free bytes below this. */
  diskFreeWarnBytes: number;
  /** Invalid messages per minute (between two health reports) that raise the alert. */
  invalidPerMinute: number;
  /** A renderer restart keeps its alert active for this long. */
  rendererRestartHoldS: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  offlineAfterS: 120,
  temperatureWarnC: 75,
  temperatureCriticalC: 85,
  diskFreeWarnRatio: 0.1,
  diskFreeWarnBytes: 500 * 1024 * 1024,
  invalidPerMinute: 10,
  rendererRestartHoldS: 15 * 60,
};

export type AlertEvent = { type: 'raised' | 'resolved' | 'acknowledged' | 'updated'; alert: Alert };

interface ScreenTrack {
  online: boolean;
  /** When the current online/offline state began (ms). */
  since: number;
  health: Health | null;
  healthAt: number;
  /** invalidMessages per minute between the last two reports. */
  invalidRate: number;
  /** Last time the restart counter went up, or the renderer reported itself broken (ms). */
  rendererTroubleAt: number | null;
}

type Condition = { severity: AlertSeverity; detail: Record<string, string | number> } | null;

/** Pure evaluation of one screen's conditions at `now`. */
export function evaluateScreen(
  t: ScreenTrack,
  now: number,
  th: AlertThresholds,
): Partial<Record<AlertKind, Condition>> {
  const out: Partial<Record<AlertKind, Condition>> = {};
  const offlineS = Math.floor((now - t.since) / 1000);
  out.offline =
    !t.online && offlineS >= th.offlineAfterS
      ? { severity: offlineS >= th.offlineAfterS * 15 ? 'critical' : 'warning', detail: { offlineS } }
      : null;
  const h = t.health;
  if (!h) return out;
  const temp = h.temperatureC;
  out.temperature =
    temp !== null && temp >= th.temperatureWarnC
      ? { severity: temp >= th.temperatureCriticalC ? 'critical' : 'warning', detail: { temperatureC: temp } }
      : null;
  if (h.disk && h.disk.totalBytes > 0) {
    const ratio = h.disk.freeBytes / h.disk.totalBytes;
    const low = ratio < th.diskFreeWarnRatio || h.disk.freeBytes < th.diskFreeWarnBytes;
    const critical = ratio < th.diskFreeWarnRatio / 3 || h.disk.freeBytes < th.diskFreeWarnBytes / 5;
    out['low-disk'] = low
      ? {
          severity: critical ? 'critical' : 'warning',
          detail: { freeBytes: h.disk.freeBytes, freePercent: Math.round(ratio * 1000) / 10 },
        }
      : null;
  } else {
    out['low-disk'] = null;
  }
  const stale = h.feeds.filter((f) => f.state === 'stale' || f.state === 'expired');
  out['stale-feed'] = stale.length
    ? {
        severity: stale.some((f) => f.state === 'expired') ? 'critical' : 'warning',
        detail: { feeds: stale.map((f) => `${f.kind}/${f.id}:${f.state}`).join(', '), count: stale.length },
      }
    : null;
  out['invalid-messages'] =
    t.invalidRate >= th.invalidPerMinute
      ? {
          severity: t.invalidRate >= th.invalidPerMinute * 10 ? 'critical' : 'warning',
          detail: { perMinute: Math.round(t.invalidRate * 10) / 10 },
        }
      : null;
  const broken = h.renderer.state !== 'ok' && h.renderer.state !== 'unknown';
  const recentRestart =
    t.rendererTroubleAt !== null && now - t.rendererTroubleAt < th.rendererRestartHoldS * 1000;
  out['renderer-restarts'] =
    broken || recentRestart
      ? {
          severity: broken ? 'critical' : 'warning',
          detail: { restarts: h.renderer.restarts, state: h.renderer.state },
        }
      : null;
  return out;
}

export interface AlertEngineOptions {
  /** Where acknowledgements and alerts survive restarts; null keeps them in memory only. */
  file: string | null;
  thresholds?: Partial<AlertThresholds>;
  /** How many resolved alerts are kept for the history list. */
  keepResolved?: number;
  /** Called when saving fails (the engine keeps working in memory). */
  onError?: (e: Error) => void;
}

export class AlertEngine {
  readonly thresholds: AlertThresholds;
  private readonly tracks = new Map<string, ScreenTrack>();
  private readonly active = new Map<string, Alert>();
  private resolved: Alert[] = [];
  private readonly listeners = new Set<(e: AlertEvent) => void>();
  private seq = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly opts: AlertEngineOptions) {
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
  }

  /** Loads persisted alerts (active ones keep their acknowledgement across restarts). */
  async load(): Promise<void> {
    if (!this.opts.file) return;
    const data = await readJsonFile<{ seq: number; active: Alert[]; resolved: Alert[] }>(this.opts.file);
    if (!data) return;
    this.seq = data.seq;
    for (const a of data.active) this.active.set(key(a.screenId, a.kind), a);
    this.resolved = data.resolved;
  }

  onEvent(listener: (e: AlertEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A screen the server knows, with its presence; `since` is when that state began. */
  observePresence(screenId: string, online: boolean, since: number): void {
    const t = this.track(screenId, since);
    if (t.online !== online) {
      t.online = online;
      t.since = since;
    }
  }

  observeHealth(screenId: string, health: Health, receivedAt: number): void {
    const t = this.track(screenId, receivedAt);
    const prev = t.health;
    if (prev) {
      const minutes = (receivedAt - t.healthAt) / 60_000;
      const delta = health.invalidMessages - prev.invalidMessages;
      // A counter that went down means the agent restarted: its new value is all new.
      const added = delta >= 0 ? delta : health.invalidMessages;
      t.invalidRate = minutes > 0 ? added / Math.max(minutes, 1 / 60) : 0;
      if (health.renderer.restarts > prev.renderer.restarts) t.rendererTroubleAt = receivedAt;
    } else if (health.renderer.restarts > 0 && health.uptimeS < this.thresholds.rendererRestartHoldS) {
      t.rendererTroubleAt = receivedAt;
    }
    if (health.renderer.state !== 'ok' && health.renderer.state !== 'unknown')
      t.rendererTroubleAt = receivedAt;
    t.health = health;
    t.healthAt = receivedAt;
  }

  /** The screen was deleted: its alerts resolve. */
  forget(screenId: string, now: number): void {
    this.tracks.delete(screenId);
    for (const kind of ALERT_KINDS) this.resolve(screenId, kind, now);
  }

  /** Re-evaluates every screen; emits raised/resolved/updated events. */
  evaluate(now: number): void {
    let changed = false;
    for (const [screenId, t] of this.tracks) {
      const conds = evaluateScreen(t, now, this.thresholds);
      for (const kind of ALERT_KINDS) {
        if (!(kind in conds)) continue;
        const c = conds[kind];
        const k = key(screenId, kind);
        const cur = this.active.get(k);
        if (c && !cur) {
          const alert: Alert = {
            id: `a${++this.seq}`,
            screenId,
            kind,
            severity: c.severity,
            detail: c.detail,
            raisedAt: iso(now),
            lastSeenAt: iso(now),
            resolvedAt: null,
            acknowledged: null,
          };
          this.active.set(k, alert);
          this.emit({ type: 'raised', alert });
          changed = true;
        } else if (c && cur) {
          const severityChanged = cur.severity !== c.severity;
          cur.lastSeenAt = iso(now);
          cur.detail = c.detail;
          if (severityChanged) {
            cur.severity = c.severity;
            this.emit({ type: 'updated', alert: cur });
            changed = true;
          }
        } else if (!c && cur) {
          this.resolve(screenId, kind, now);
          changed = true;
        }
      }
    }
    if (changed) this.persist();
  }

  acknowledge(id: string, by: string, now: number): Alert | null {
    for (const a of this.active.values()) {
      if (a.id === id) {
        if (!a.acknowledged) {
          a.acknowledged = { by, at: iso(now) };
          this.emit({ type: 'acknowledged', alert: a });
          this.persist();
        }
        return a;
      }
    }
    return null;
  }

  list(opts: { includeResolved?: boolean; screenId?: string } = {}): Alert[] {
    let out = [...this.active.values()];
    if (opts.includeResolved) out = out.concat(this.resolved);
    if (opts.screenId) out = out.filter((a) => a.screenId === opts.screenId);
    const rank = (a: Alert) => (a.resolvedAt ? 2 : a.acknowledged ? 1 : 0);
    return out.sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) ||
        b.raisedAt.localeCompare(a.raisedAt),
    );
  }

  /** Waits for pending writes (tests and shutdown). */
  async flush(): Promise<void> {
    await this.saving;
  }

  private track(screenId: string, now: number): ScreenTrack {
    let t = this.tracks.get(screenId);
    if (!t) {
      t = { online: false, since: now, health: null, healthAt: now, invalidRate: 0, rendererTroubleAt: null };
      this.tracks.set(screenId, t);
    }
    return t;
  }

  private resolve(screenId: string, kind: AlertKind, now: number): void {
    const k = key(screenId, kind);
    const cur = this.active.get(k);
    if (!cur) return;
    this.active.delete(k);
    cur.resolvedAt = iso(now);
    this.resolved.unshift(cur);
    this.resolved.length = Math.min(this.resolved.length, this.opts.keepResolved ?? 500);
    this.emit({ type: 'resolved', alert: cur });
  }

  private emit(e: AlertEvent): void {
    for (const l of this.listeners) l(e);
  }

  private persist(): void {
    const file = this.opts.file;
    if (!file) return;
    const snapshot = { seq: this.seq, active: [...this.active.values()], resolved: this.resolved };
    this.saving = this.saving
      .then(() => atomicWriteJson(file, snapshot))
      .catch((e: unknown) => this.opts.onError?.(e as Error));
  }
}

const key = (screenId: string, kind: AlertKind) => `${screenId}\u0000${kind}`;
const iso = (ms: number) => new Date(ms).toISOString();
