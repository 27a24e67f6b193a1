import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KeyedQueue, writeFileAtomic } from './atomic.ts';
import type { Logger } from './log.ts';

/**
 * The agent's message cache: every accepted MQTT message, one file per key (normally the topic),
 * written atomically with a sha256 of its payload. A file that fails its checksum or cannot be
 * parsed is renamed to *.corrupt, counted and skipped; the agent then gets it again from the broker.
 */

const EnvelopeSchema = z.object({
  format: z.literal(1),
  key: z.string(),
  savedAt: z.string(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  payload: z.string(),
});

export interface CacheEntry {
  key: string;
  payload: Buffer;
  savedAt: string;
}

const KEY_RE = /^[A-Za-z0-9_.~/-]+$/;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export class MessageCache {
  /** Entries found corrupt since start. */
  corruptions = 0;
  private readonly queue = new KeyedQueue();
  private readonly keys = new Set<string>();
  /** Entries whose write failed, by key (the newest payload), and a write counter per key. */
  private readonly unsaved = new Map<string, string>();
  private readonly gens = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  private fileOf(key: string): string {
    if (!KEY_RE.test(key) || key.includes('..') || key.includes('~'))
      throw new Error(`invalid cache key "${key}"`);
    return join(this.dir, `${key.replaceAll('/', '~')}.json`);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Reads every entry; corrupt ones are set aside. Leftover temp files from a crash are removed. */
  async loadAll(): Promise<CacheEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: CacheEntry[] = [];
    await Promise.all(
      names.map(async (name) => {
        const file = join(this.dir, name);
        if (name.endsWith('.tmp')) return rm(file, { force: true });
        if (!name.endsWith('.json')) return;
        const entry = await this.readEntry(file, name.slice(0, -5).replaceAll('~', '/'));
        if (entry) {
          out.push(entry);
          this.keys.add(entry.key);
        }
      }),
    );
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  private async readEntry(file: string, expectedKey: string): Promise<CacheEntry | null> {
    let reason: string;
    try {
      const raw = await readFile(file, 'utf8');
      const env = EnvelopeSchema.safeParse(JSON.parse(raw));
      if (!env.success) reason = 'malformed envelope';
      else if (env.data.key !== expectedKey) reason = `key mismatch (${env.data.key})`;
      else if (sha256Hex(env.data.payload) !== env.data.sha256) reason = 'checksum mismatch';
      else
        return {
          key: env.data.key,
          payload: Buffer.from(env.data.payload, 'utf8'),
          savedAt: env.data.savedAt,
        };
    } catch (e) {
      reason = `unreadable: ${(e as Error).message}`;
    }
    await this.setAsideFile(file, expectedKey, reason);
    return null;
  }

  private async setAsideFile(file: string, key: string, reason: string): Promise<void> {
    this.corruptions++;
    this.log.warn({ key, reason }, 'corrupt cache entry set aside; it will be fetched again');
    try {
      await rename(file, `${file}.corrupt`);
    } catch (e) {
      this.log.error({ key, err: (e as Error).message }, 'could not set corrupt cache entry aside');
      await rm(file, { force: true });
    }
  }

  /** Sets an entry aside whose content passed the checksum but not validation (e.g. after an upgrade). */
  setAside(key: string, reason: string): Promise<void> {
    const file = this.fileOf(key);
    this.keys.delete(key);
    return this.queue.run(key, () => this.setAsideFile(file, key, reason));
  }

  put(key: string, payload: Buffer | string): Promise<void> {
    const file = this.fileOf(key);
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
    const body = JSON.stringify({
      format: 1,
      key,
      savedAt: new Date().toISOString(),
      sha256: sha256Hex(text),
      payload: text,
    });
    this.keys.add(key);
    this.unsaved.delete(key);
    const gen = (this.gens.get(key) ?? 0) + 1;
    this.gens.set(key, gen);
    return this.queue
      .run(key, () => writeFileAtomic(file, body))
      .then(
        () => this.retryUnsaved(),
        (e: unknown) => {
          this.keepUnsaved(key, gen, body);
          throw e;
        },
      );
  }

  /** A write that failed (a full disk) is kept in memory and tried again after the next one that works. */
  private keepUnsaved(key: string, gen: number, body: string): void {
    if (this.gens.get(key) === gen && this.keys.has(key)) this.unsaved.set(key, body);
  }

  private retryUnsaved(): void {
    for (const [key, body] of this.unsaved) {
      this.unsaved.delete(key);
      const gen = this.gens.get(key) ?? 0;
      void this.queue
        .run(key, () => writeFileAtomic(this.fileOf(key), body))
        .catch(() => this.keepUnsaved(key, gen, body));
    }
  }

  /** Whether an entry for this key is on disk (or being written). */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  remove(key: string): Promise<void> {
    const file = this.fileOf(key);
    this.keys.delete(key);
    this.unsaved.delete(key);
    this.gens.set(key, (this.gens.get(key) ?? 0) + 1);
    return this.queue.run(key, () => rm(file, { force: true }));
  }

  /** Removes every entry (the clear-cache command); set-aside corrupt files go too. */
  async clear(): Promise<void> {
    this.keys.clear();
    this.unsaved.clear();
    await this.queue.idle();
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.map((n) => rm(join(this.dir, n), { force: true })));
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }
}
