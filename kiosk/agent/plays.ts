import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePayload, encodePayload, type Plays, PlaysSchema } from '../../protocol/index.ts';
import { writeFileAtomic } from './atomic.ts';
import type { Logger } from './log.ts';

/**
 * Proof of play and touch analytics. Only counts: which campaign slide played how often and how
 * long, which views were opened, how many touches; no coordinates, no timestamps per touch, no
 * identifiers of people. Counts are batched per interval; each closed batch is written to an
 * outbox on disk first and removed only after the broker acknowledged it (QoS 1), so nothing is
 * lost while offline or across restarts.
 */
export interface PlaysRecorderOptions {
  dir: string;
  publish: (payload: Buffer) => Promise<void>;
  isOnline: () => boolean;
  log: Logger;
  /** How often a batch is closed. */
  batchIntervalMs?: number;
  /** Batches kept at most while offline; the oldest are dropped beyond it. */
  maxOutbox?: number;
  now?: () => number;
}

interface Open {
  from: number;
  plays: Map<string, Plays['plays'][number]>;
  views: Map<string, number>;
  touches: number;
}

export class PlaysRecorder {
  private current: Open;
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private closing = false;
  /** Orders batches closed within the same millisecond. */
  private seq = 0;
  private readonly now: () => number;
  /** Batches dropped because the outbox was full. */
  dropped = 0;
  sent = 0;

  constructor(private readonly opts: PlaysRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.current = this.fresh();
  }

  private fresh(): Open {
    return { from: this.now(), plays: new Map(), views: new Map(), touches: 0 };
  }

  async init(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    for (const n of await readdir(this.opts.dir)) if (n.endsWith('.tmp')) await rm(join(this.opts.dir, n));
    this.timer = setInterval(() => {
      this.rotate().catch((e: Error) => this.opts.log.error({ err: e.message }, 'plays rotation failed'));
    }, this.opts.batchIntervalMs ?? 60_000);
    this.timer.unref?.();
  }

  recordPlay(p: { campaignId: string; campaignVersion: number; slideIndex: number; seconds: number }): void {
    const key = `${p.campaignId}\u0000${p.campaignVersion}\u0000${p.slideIndex}`;
    const row = this.current.plays.get(key);
    const seconds = Math.max(0, Math.min(3600, p.seconds));
    if (row) {
      row.count++;
      row.seconds = Math.round((row.seconds + seconds) * 10) / 10;
    } else {
      this.current.plays.set(key, {
        campaignId: p.campaignId,
        campaignVersion: p.campaignVersion,
        slideIndex: p.slideIndex,
        count: 1,
        seconds,
      });
    }
  }

  recordView(view: string): void {
    if (this.current.views.size >= 100 && !this.current.views.has(view)) return;
    this.current.views.set(view, (this.current.views.get(view) ?? 0) + 1);
  }

  recordTouch(): void {
    this.current.touches++;
  }

  /** Closes the current batch (if it holds anything) into the outbox, then sends the outbox. */
  async rotate(): Promise<void> {
    const c = this.current;
    this.current = this.fresh();
    if (c.plays.size > 0 || c.views.size > 0 || c.touches > 0) {
      const batch: Plays = {
        batchId: `b-${this.now().toString(36)}-${randomBytes(5).toString('hex')}`,
        from: new Date(c.from).toISOString(),
        to: new Date(this.now()).toISOString(),
        plays: [...c.plays.values()].slice(0, 5000),
        views: [...c.views].map(([view, count]) => ({ view, count })),
        touches: c.touches,
      };
      const payload = encodePayload(PlaysSchema, batch);
      // Names sort by time, so the outbox drains oldest first.
      const name = `${String(this.now()).padStart(15, '0')}-${String(this.seq++).padStart(9, '0')}-${batch.batchId}.json`;
      try {
        await writeFileAtomic(join(this.opts.dir, name), payload);
      } catch (e) {
        // A full disk: keep the counts in memory, in the open batch, and try again at the next rotation.
        this.opts.log.error({ err: (e as Error).message }, 'plays batch not saved; kept in memory');
        this.mergeBack(c);
        return;
      }
      await this.trim();
    }
    await this.flush();
  }

  private mergeBack(c: Open): void {
    const cur = this.current;
    cur.from = Math.min(cur.from, c.from);
    for (const [key, row] of c.plays) {
      const r = cur.plays.get(key);
      if (r) {
        r.count += row.count;
        r.seconds = Math.round((r.seconds + row.seconds) * 10) / 10;
      } else cur.plays.set(key, row);
    }
    for (const [view, n] of c.views) cur.views.set(view, (cur.views.get(view) ?? 0) + n);
    cur.touches += c.touches;
  }

  private async outbox(): Promise<string[]> {
    return (await readdir(this.opts.dir)).filter((n) => n.endsWith('.json')).sort();
  }

  private async trim(): Promise<void> {
    const max = this.opts.maxOutbox ?? 10_000;
    const names = await this.outbox();
    for (const n of names.slice(0, Math.max(0, names.length - max))) {
      await rm(join(this.opts.dir, n), { force: true });
      this.dropped++;
      this.opts.log.warn({ batch: n }, 'plays outbox full; oldest batch dropped');
    }
  }

  /** Sends every stored batch, oldest first, while online. */
  flush(): Promise<void> {
    if (!this.sending) {
      this.sending = this.drain().finally(() => {
        this.sending = null;
      });
    }
    return this.sending;
  }

  private async drain(): Promise<void> {
    for (const name of await this.outbox()) {
      if (this.closing || !this.opts.isOnline()) return;
      const file = join(this.opts.dir, name);
      const raw = await readFile(file).catch(() => null);
      if (!raw) continue;
      if (!decodePayload(PlaysSchema, raw).ok) {
        this.opts.log.warn({ batch: name }, 'unreadable plays batch set aside');
        await rename(file, `${file}.corrupt`).catch(() => undefined);
        continue;
      }
      try {
        await this.opts.publish(raw);
      } catch (e) {
        this.opts.log.info({ err: (e as Error).message }, 'plays not sent yet; kept on disk');
        return;
      }
      await rm(file, { force: true });
      this.sent++;
    }
  }

  async pendingBatches(): Promise<number> {
    return (await this.outbox()).length;
  }

  /** Stores the open batch so nothing counted is lost; stops the timer. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sending;
    this.closing = true;
    await this.rotate();
  }
}
