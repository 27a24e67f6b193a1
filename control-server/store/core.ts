import { Low } from 'lowdb';
import type { Database } from './schema.ts';
import type { DurableJsonFile } from './durable-file.ts';

/**
 * The database document and its one writer. Mutations are queued and applied in order to a copy
 * of the document; a batch of queued mutations is written with one durable write (group commit),
 * and only when the write succeeded does the copy become the document and the callers resolve.
 * So a caller that got its promise resolved has its change on disk, and a failed write changes
 * nothing in memory either.
 *
 * The draft is a shallow copy: the top-level object and each collection array are new, the
 * records in them are shared with the committed document. So a mutator may push, splice and assign
 * array slots (and top-level fields), but must never modify a record in place: it replaces it
 * (replaceWhere). It must also validate before it changes anything (throw first, then change),
 * because a throwing mutator rejects only its own caller while the rest of its batch goes ahead.
 * (A full structuredClone per batch cost tens of milliseconds on a loaded machine.)
 */
export type Mutator<R> = (draft: Database) => R;

interface Pending {
  fn: Mutator<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** The top-level object and its arrays copied; the records shared (see above). */
export function shallowDraft(data: Database): Database {
  const out = { ...data } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (Array.isArray(v)) out[k] = [...v];
  return out as unknown as Database;
}

/** Replaces the first element matching `pred` with `next(old)`; returns the new element, if any. */
export function replaceWhere<T>(arr: T[], pred: (x: T) => boolean, next: (old: T) => T): T | undefined {
  const i = arr.findIndex(pred);
  if (i < 0) return undefined;
  const value = next(arr[i] as T);
  arr[i] = value;
  return value;
}

export class DocumentStore {
  readonly #low: Low<Database>;
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #closed = false;
  writes = 0;

  constructor(adapter: DurableJsonFile<Database>, data: Database) {
    this.#low = new Low(adapter, data);
  }

  /** The committed document. Callers must treat it as read-only. */
  get data(): Readonly<Database> {
    return this.#low.data;
  }

  mutate<R>(fn: Mutator<R>): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('store is closed'));
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushing) this.#flushing = this.#flushLoop().finally(() => (this.#flushing = null));
    });
  }

  /** Writes the current document as it is (used after a migration). */
  async writeNow(): Promise<void> {
    await this.mutate(() => undefined);
  }

  async #flushLoop(): Promise<void> {
    while (this.#pending.length) {
      const batch = this.#pending.splice(0);
      const draft = shallowDraft(this.#low.data);
      const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      for (const m of batch) {
        try {
          results.push({ ok: true, value: m.fn(draft) });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      try {
        if (results.some((r) => r.ok)) {
          await this.#low.adapter.write(draft);
          this.writes++;
          this.#low.data = draft;
        }
      } catch (error) {
        for (const m of batch) m.reject(error);
        continue;
      }
      batch.forEach((m, i) => {
        const r = results[i]!;
        if (r.ok) m.resolve(r.value);
        else m.reject(r.error);
      });
    }
  }

  /** Resolves when every queued mutation has been written (or failed). */
  async idle(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async close(): Promise<void> {
    await this.idle();
    this.#closed = true;
  }
}
