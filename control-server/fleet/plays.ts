import type { Plays } from '../../protocol/index.ts';
import { atomicWriteJson, readJsonFile } from './atomic-json.ts';

/**
 * Proof of play: the screens' batched play reports, aggregated per screen, campaign version and
 * hour (UTC), in one bounded JSON file. Batches are deduplicated by (screen, batchId), since QoS 1
 * may deliver a batch twice. Rows older than `retentionDays` or beyond `maxRows` are dropped oldest
 * first.
 */
export interface PlayRow {
  /** Start of the hour, ISO UTC. */
  hour: string;
  screenId: string;
  campaignId: string;
  campaignVersion: number;
  plays: number;
  seconds: number;
}

export interface PlaysQuery {
  from?: string;
  to?: string;
  campaignId?: string;
  screenId?: string;
}

export interface PlaysSummaryRow {
  campaignId: string;
  screenId: string;
  plays: number;
  seconds: number;
  firstHour: string;
  lastHour: string;
}

interface FileShape {
  rows: PlayRow[];
  batches: Record<string, string[]>;
  touches: Record<string, number>;
}

export interface PlaysStoreOptions {
  file: string | null;
  retentionDays?: number;
  maxRows?: number;
  /** Batch ids remembered per screen for deduplication. */
  rememberBatches?: number;
  /** Delay before writing after a change (batches coalesce). */
  saveDelayMs?: number;
  onError?: (e: Error) => void;
}

export class PlaysStore {
  private rows = new Map<string, PlayRow>();
  private batches = new Map<string, string[]>();
  private touches = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PlaysStoreOptions) {}

  async load(): Promise<void> {
    if (!this.opts.file) return;
    const data = await readJsonFile<FileShape>(this.opts.file);
    if (!data) return;
    for (const r of data.rows) this.rows.set(rowKey(r), r);
    for (const [k, v] of Object.entries(data.batches)) this.batches.set(k, v);
    for (const [k, v] of Object.entries(data.touches ?? {})) this.touches.set(k, v);
  }

  /** Adds one batch; false when it was a duplicate. */
  add(screenId: string, batch: Plays, now = Date.now()): boolean {
    const seen = this.batches.get(screenId) ?? [];
    if (seen.includes(batch.batchId)) return false;
    seen.push(batch.batchId);
    if (seen.length > (this.opts.rememberBatches ?? 500)) seen.shift();
    this.batches.set(screenId, seen);
    const hour = hourOf(batch.to);
    for (const p of batch.plays) {
      const r: PlayRow = {
        hour,
        screenId,
        campaignId: p.campaignId,
        campaignVersion: p.campaignVersion,
        plays: 0,
        seconds: 0,
      };
      const k = rowKey(r);
      const cur = this.rows.get(k) ?? r;
      cur.plays += p.count;
      cur.seconds = Math.round((cur.seconds + p.seconds) * 10) / 10;
      this.rows.set(k, cur);
    }
    const tk = `${screenId}\u0000${hour}`;
    this.touches.set(tk, (this.touches.get(tk) ?? 0) + batch.touches);
    this.prune(now);
    this.scheduleSave();
    return true;
  }

  /** Hourly rows matching the query, oldest first. */
  query(q: PlaysQuery = {}): PlayRow[] {
    const from = q.from ? Date.parse(q.from) : Number.NEGATIVE_INFINITY;
    const to = q.to ? Date.parse(q.to) : Number.POSITIVE_INFINITY;
    return [...this.rows.values()]
      .filter((r) => {
        const t = Date.parse(r.hour);
        return (
          t >= hourFloor(from) &&
          t < to &&
          (!q.campaignId || r.campaignId === q.campaignId) &&
          (!q.screenId || r.screenId === q.screenId)
        );
      })
      .sort(
        (a, b) =>
          a.hour.localeCompare(b.hour) ||
          a.campaignId.localeCompare(b.campaignId) ||
          a.screenId.localeCompare(b.screenId),
      );
  }

  /** Totals per campaign and screen over the query. */
  summary(q: PlaysQuery = {}): PlaysSummaryRow[] {
    const out = new Map<string, PlaysSummaryRow>();
    for (const r of this.query(q)) {
      const k = `${r.campaignId}\u0000${r.screenId}`;
      const s = out.get(k) ?? {
        campaignId: r.campaignId,
        screenId: r.screenId,
        plays: 0,
        seconds: 0,
        firstHour: r.hour,
        lastHour: r.hour,
      };
      s.plays += r.plays;
      s.seconds = Math.round((s.seconds + r.seconds) * 10) / 10;
      s.lastHour = r.hour;
      out.set(k, s);
    }
    return [...out.values()].sort((a, b) => b.plays - a.plays || a.campaignId.localeCompare(b.campaignId));
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.save();
    }
    await this.saving;
  }

  private prune(now: number): void {
    const oldest = now - (this.opts.retentionDays ?? 400) * 86_400_000;
    const max = this.opts.maxRows ?? 200_000;
    for (const [k, r] of this.rows) if (Date.parse(r.hour) < oldest) this.rows.delete(k);
    if (this.rows.size > max) {
      const sorted = [...this.rows.entries()].sort((a, b) => a[1].hour.localeCompare(b[1].hour));
      for (const [k] of sorted.slice(0, this.rows.size - max)) this.rows.delete(k);
    }
    for (const [k] of this.touches) {
      if (Date.parse(k.split('\u0000')[1] ?? '') < oldest) this.touches.delete(k);
    }
  }

  private scheduleSave(): void {
    if (!this.opts.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, this.opts.saveDelayMs ?? 2000);
    this.timer.unref();
  }

  private save(): void {
    const file = this.opts.file;
    if (!file) return;
    const data: FileShape = {
      rows: [...this.rows.values()],
      batches: Object.fromEntries(this.batches),
      touches: Object.fromEntries(this.touches),
    };
    this.saving = this.saving
      .then(() => atomicWriteJson(file, data))
      .catch((e: unknown) => this.opts.onError?.(e as Error));
  }
}

const CSV_COLUMNS = ['hour', 'screenId', 'campaignId', 'campaignVersion', 'plays', 'seconds'] as const;

/** RFC 4180 CSV with a header; cells that a spreadsheet would run as a formula are quoted and prefixed. */
export function playsToCsv(rows: PlayRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const rowKey = (r: Pick<PlayRow, 'hour' | 'screenId' | 'campaignId' | 'campaignVersion'>) =>
  `${r.hour}\u0000${r.screenId}\u0000${r.campaignId}\u0000${r.campaignVersion}`;

function hourFloor(ms: number): number {
  return Number.isFinite(ms) ? Math.floor(ms / 3_600_000) * 3_600_000 : ms;
}

function hourOf(iso: string): string {
  return new Date(hourFloor(Date.parse(iso))).toISOString();
}
