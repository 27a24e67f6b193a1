import type { Logger } from '../log.ts';
import { type MosquittoUser, reloadMosquitto, writeMosquittoFiles } from './mosquitto-files.ts';

/** What the sync needs from the store: the screens with their Mosquitto hashes, and a change counter. */
export interface MosquittoSource {
  listScreens(): Array<{ id: string; mosquittoHash?: string | undefined }>;
  /** Goes up on every durable write; the files are regenerated when it moved. */
  readonly writes: number;
}

export interface MosquittoSyncOptions {
  source: MosquittoSource;
  dir: string;
  serverUsername: string;
  serverPassword: string;
  pidFile: string | null;
  reloadCommand: string | null;
  log: Logger;
  /** How often the store is checked for changes (ms). */
  intervalMs?: number;
}

/**
 * Keeps Mosquitto's password and ACL files in step with the store: a provisioned, re-keyed or deleted
 * screen shows up in the files (atomically replaced) within intervalMs, and Mosquitto is reloaded.
 */
export class MosquittoSync {
  readonly #o: MosquittoSyncOptions;
  #lastWrites = -1;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<boolean> = Promise.resolve(false);
  #warned = new Set<string>();

  constructor(o: MosquittoSyncOptions) {
    this.#o = o;
  }

  /** Writes the files (and reloads Mosquitto) if the store changed; resolves true when files changed. */
  sync(force = false): Promise<boolean> {
    this.#running = this.#running.catch(() => false).then(() => this.#syncOnce(force));
    return this.#running;
  }

  async #syncOnce(force: boolean): Promise<boolean> {
    const writes = this.#o.source.writes;
    if (!force && writes === this.#lastWrites) return false;
    const screens: MosquittoUser[] = [];
    for (const s of this.#o.source.listScreens()) {
      if (s.mosquittoHash) screens.push({ username: s.id, hash: s.mosquittoHash });
      else if (!this.#warned.has(s.id)) {
        this.#warned.add(s.id);
        this.#o.log.warn(
          { screenId: s.id },
          'screen has no Mosquitto hash (provisioned before it was kept); rotate its token',
        );
      }
    }
    const files = await writeMosquittoFiles({
      dir: this.#o.dir,
      serverUsername: this.#o.serverUsername,
      serverPassword: this.#o.serverPassword,
      screens,
    });
    this.#lastWrites = writes;
    if (files.changed) {
      this.#o.log.info({ dir: this.#o.dir, screens: screens.length }, 'mosquitto files written');
      await reloadMosquitto({ pidFile: this.#o.pidFile, reloadCommand: this.#o.reloadCommand }, this.#o.log);
    }
    return files.changed;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.sync().catch((err) => this.#o.log.error({ err }, 'mosquitto sync failed'));
    }, this.#o.intervalMs ?? 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running.catch(() => undefined);
  }
}
