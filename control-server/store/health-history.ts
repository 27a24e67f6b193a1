import path from 'node:path';
import { z } from 'zod';
import type { Health } from '../../protocol/index.ts';
import { DurableJsonFile } from './durable-file.ts';

/**
 * Health history: telemetry arrives every ~30 s per screen and is never written per message.
 * Each screen keeps one compact sample per bucket (default 5 minutes, the latest report of the
 * bucket wins) for a bounded window (default 24 h), in memory; the whole history is written to
 * health-history.json periodically and on close. Losing the last minute of history in a crash is
 * acceptable; the database proper is not touched.
 */
export const HealthSampleSchema = z.object({
  /** Start of the bucket, epoch ms. */
  t: z.number().int(),
  cpu: z.number(),
  memFree: z.number(),
  memTotal: z.number(),
  diskFree: z.number().nullable(),
  diskTotal: z.number().nullable(),
  tempC: z.number().nullable(),
  displayOn: z.boolean(),
  renderer: z.string(),
  invalid: z.number(),
});
export type HealthSample = z.infer<typeof HealthSampleSchema>;

const FileSchema = z.object({
  version: z.literal(1),
  bucketMs: z.number().int().positive(),
  screens: z.record(z.string(), z.array(HealthSampleSchema)),
});
type HistoryFile = z.infer<typeof FileSchema>;

export interface HealthHistoryOptions {
  bucketMs?: number;
  /** Samples kept per screen. */
  maxSamples?: number;
  /** How often dirty history is written. */
  flushEveryMs?: number;
  onError?: (e: unknown) => void;
}

export class HealthHistory {
  readonly #file: DurableJsonFile<HistoryFile>;
  readonly #bucketMs: number;
  readonly #max: number;
  readonly #screens = new Map<string, HealthSample[]>();
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly opts: HealthHistoryOptions = {},
  ) {
    this.#file = new DurableJsonFile(path.join(dataDir, 'health-history.json'));
    this.#bucketMs = opts.bucketMs ?? 5 * 60_000;
    this.#max = opts.maxSamples ?? 288;
  }

  /** Loads the file; a damaged history is not fatal (it is only telemetry): it starts empty. */
  async load(): Promise<{ screens: number; discarded: string | null }> {
    let discarded: string | null = null;
    try {
      const raw = await this.#file.read();
      if (raw) {
        const r = FileSchema.safeParse(raw);
        if (r.success) {
          for (const [id, samples] of Object.entries(r.data.screens))
            this.#screens.set(id, samples.slice(-this.#max));
        } else discarded = 'invalid health history ignored';
      }
    } catch (e) {
      discarded = (e as Error).message;
    }
    const every = this.opts.flushEveryMs ?? 60_000;
    this.#timer = setInterval(() => void this.flush().catch((e) => this.opts.onError?.(e)), every);
    this.#timer.unref();
    return { screens: this.#screens.size, discarded };
  }

  record(screenId: string, h: Health, now: number = Date.parse(h.at) || Date.now()): void {
    const t = Math.floor(now / this.#bucketMs) * this.#bucketMs;
    const sample: HealthSample = {
      t,
      cpu: Math.round(h.cpuPercent * 10) / 10,
      memFree: h.memory.freeBytes,
      memTotal: h.memory.totalBytes,
      diskFree: h.disk?.freeBytes ?? null,
      diskTotal: h.disk?.totalBytes ?? null,
      tempC: h.temperatureC,
      displayOn: h.display.on,
      renderer: h.renderer.state,
      invalid: h.invalidMessages,
    };
    let list = this.#screens.get(screenId);
    if (!list) {
      list = [];
      this.#screens.set(screenId, list);
    }
    const last = list[list.length - 1];
    if (last && last.t === t) list[list.length - 1] = sample;
    else if (!last || t > last.t) list.push(sample);
    else return; // an old, out-of-order report: history only moves forward
    if (list.length > this.#max) list.splice(0, list.length - this.#max);
    this.#dirty = true;
  }

  history(screenId: string, sinceMs = 0): HealthSample[] {
    return (this.#screens.get(screenId) ?? []).filter((s) => s.t >= sinceMs).map((s) => ({ ...s }));
  }

  forget(screenId: string): void {
    if (this.#screens.delete(screenId)) this.#dirty = true;
  }

  /** Writes the history if it changed; concurrent calls share one write. */
  flush(): Promise<void> {
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        if (!this.#dirty) return;
        this.#dirty = false;
        const doc: HistoryFile = {
          version: 1,
          bucketMs: this.#bucketMs,
          screens: Object.fromEntries(this.#screens),
        };
        try {
          await this.#file.write(doc);
        } catch (e) {
          this.#dirty = true;
          throw e;
        }
      });
    return this.#writing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush();
  }
}
