import { z } from 'zod';
import type { Logger } from '../log.ts';
import { atomicWriteJson, readJsonFile } from './atomic-json.ts';
import type { Presence } from './presence.ts';

const FileSchema = z.object({
  version: z.literal(1),
  screens: z.array(
    z.object({
      screenId: z.string(),
      lastSeen: z.string().nullable(),
      appVersion: z.string().nullable(),
      contentVersion: z.string().nullable(),
    }),
  ),
});

/**
 * Keeps each screen's lastSeen and versions across restarts: written atomically every minute when
 * something changed, and on shutdown. Online state is never restored (everyone starts offline).
 * A damaged file is only a lost "last seen": logged and ignored.
 */
export class PresenceSnapshots {
  #timer: NodeJS.Timeout | null = null;
  #last = '';

  constructor(
    readonly file: string,
    private readonly presence: Presence,
    private readonly log: Logger,
    private readonly everyMs = 60_000,
  ) {}

  async load(): Promise<void> {
    try {
      const raw = await readJsonFile<unknown>(this.file);
      if (raw === null) return;
      const r = FileSchema.safeParse(raw);
      if (!r.success) {
        this.log.warn({ file: this.file }, 'presence snapshot ignored: unexpected content');
        return;
      }
      this.presence.restore(r.data.screens);
    } catch (err) {
      this.log.warn({ err, file: this.file }, 'presence snapshot ignored');
    }
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.save().catch((err) => this.log.error({ err }, 'presence snapshot write failed'));
    }, this.everyMs);
    this.#timer.unref();
  }

  async save(): Promise<void> {
    const screens = this.presence.list().map(({ screenId, lastSeen, appVersion, contentVersion }) => ({
      screenId,
      lastSeen,
      appVersion,
      contentVersion,
    }));
    const text = JSON.stringify(screens);
    if (text === this.#last) return;
    await atomicWriteJson(this.file, { version: 1, screens });
    this.#last = text;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.save().catch((err) => this.log.error({ err }, 'presence snapshot write failed'));
  }
}
