import { Worker } from 'node:worker_threads';
import type {
  ConnectReply,
  HealthReply,
  ScreenState,
  ScreenStats,
  Want,
  WantReply,
  WorkerEnvelope,
  WorkerRequest,
  WorkerResult,
} from './messages.ts';
import type { ScreenBehaviour, ScreenIdentity } from './screen.ts';

export const DEFAULT_BEHAVIOUR: Omit<ScreenBehaviour, 'host' | 'port'> = {
  keepaliveS: 20,
  clean: false,
  subscribeFeeds: true,
  // The agent re-publishes its retained status as soon as its content version changes.
  reportDeliveryMs: 0,
  connectTimeoutMs: 30_000,
};

class SimWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    this.worker.on('message', (r: WorkerResult) => {
      const p = this.pending.get(r.reqId);
      if (!p) return;
      this.pending.delete(r.reqId);
      if (r.ok) p.resolve(r.value);
      else p.reject(new Error(r.error));
    });
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    });
  }

  request<T>(req: WorkerRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      const reqId = this.nextId++;
      this.pending.set(reqId, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ reqId, req } satisfies WorkerEnvelope);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The simulated fleet, spread over worker threads (one per core by default) so that parsing,
 * validation and bookkeeping of 10,000 screens does not all land on the benchmark's own thread.
 */
export class Fleet {
  private readonly workers: SimWorker[];
  /** screen id -> worker index */
  private readonly owner = new Map<string, number>();

  constructor(workerCount = 2) {
    this.workers = Array.from({ length: Math.max(1, workerCount) }, () => new SimWorker());
  }

  get size(): number {
    return this.owner.size;
  }

  private byWorker(ids?: string[]): (string[] | undefined)[] {
    if (!ids) return this.workers.map(() => undefined);
    const out: string[][] = this.workers.map(() => []);
    for (const id of ids) {
      const w = this.owner.get(id);
      if (w !== undefined) out[w]?.push(id);
    }
    return out;
  }

  private async each<T>(ids: string[] | undefined, build: (ids?: string[]) => WorkerRequest): Promise<T[]> {
    const slices = this.byWorker(ids);
    return Promise.all(
      this.workers.flatMap((w, i) => {
        const slice = slices[i];
        if (ids && (!slice || slice.length === 0)) return [];
        return [w.request<T>(build(slice))];
      }),
    );
  }

  /** Adds screens (round-robin over the workers) and connects them. */
  async connect(
    screens: ScreenIdentity[],
    behaviour: ScreenBehaviour,
    opts: { concurrency?: number; retries?: number } = {},
  ): Promise<ConnectReply> {
    const slices: ScreenIdentity[][] = this.workers.map(() => []);
    screens.forEach((s, i) => {
      const w = i % this.workers.length;
      slices[w]?.push(s);
      this.owner.set(s.id, w);
    });
    const perWorker = Math.ceil((opts.concurrency ?? 256) / this.workers.length);
    const replies = await Promise.all(
      this.workers.map((w, i) =>
        w.request<ConnectReply>({
          op: 'connect',
          screens: slices[i] ?? [],
          behaviour,
          concurrency: perWorker,
          retries: opts.retries ?? 3,
        }),
      ),
    );
    return mergeConnect(replies);
  }

  async reconnect(
    ids?: string[],
    opts: { concurrency?: number; retries?: number } = {},
  ): Promise<ConnectReply> {
    const list = ids ?? [...this.owner.keys()];
    const perWorker = Math.ceil((opts.concurrency ?? 256) / this.workers.length);
    const replies = await this.each<ConnectReply>(list, (slice) => ({
      op: 'reconnect',
      ids: slice ?? [],
      concurrency: perWorker,
      retries: opts.retries ?? 3,
    }));
    return mergeConnect(replies);
  }

  /** Resolves when every given screen (default: all) holds `want`, or at the timeout. */
  async waitFor(want: Want, opts: { ids?: string[]; timeoutMs: number }): Promise<WantReply> {
    const replies = await this.each<WantReply>(opts.ids, (slice) => ({
      op: 'want',
      want,
      ...(slice ? { ids: slice } : {}),
      timeoutMs: opts.timeoutMs,
    }));
    return { at: replies.flatMap((r) => r.at) };
  }

  /** Every worker sends its share of `perSecond` health messages for `durationMs`. */
  async health(perSecond: number, durationMs: number): Promise<HealthReply> {
    const share = perSecond / this.workers.length;
    const replies = await this.each<HealthReply>(undefined, () => ({
      op: 'health',
      perSecond: share,
      durationMs,
    }));
    return {
      sent: replies.reduce((a, r) => a + r.sent, 0),
      skipped: replies.reduce((a, r) => a + r.skipped, 0),
      elapsedMs: Math.max(...replies.map((r) => r.elapsedMs)),
    };
  }

  async kill(ids: string[], mode: 'reset' | 'silent'): Promise<void> {
    await this.each(ids, (slice) => ({ op: 'kill', ids: slice ?? [], mode }));
  }

  async disconnect(ids?: string[]): Promise<void> {
    await this.each(ids, (slice) => ({ op: 'disconnect', ...(slice ? { ids: slice } : {}) }));
  }

  async stats(ids?: string[]): Promise<ScreenStats[]> {
    const r = await this.each<ScreenStats[]>(ids, (slice) => ({
      op: 'stats',
      ...(slice ? { ids: slice } : {}),
    }));
    return r.flat();
  }

  /** What one screen holds now (null if unknown). */
  async inspect(id: string): Promise<ScreenState | null> {
    const w = this.owner.get(id);
    const worker = w === undefined ? undefined : this.workers[w];
    return worker ? worker.request<ScreenState | null>({ op: 'inspect', id }) : null;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.request({ op: 'close' }).catch(() => null)));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function mergeConnect(replies: ConnectReply[]): ConnectReply {
  return {
    connected: replies.reduce((a, r) => a + r.connected, 0),
    failed: replies.flatMap((r) => r.failed),
    connectMs: replies.flatMap((r) => r.connectMs),
  };
}
