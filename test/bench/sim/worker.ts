import { parentPort } from 'node:worker_threads';
import {
  type ConnectReply,
  type HealthReply,
  type ScreenStats,
  type Want,
  type WantReply,
  type WorkerEnvelope,
  type WorkerResult,
  satisfiedAt,
} from './messages.ts';
import { type ScreenBehaviour, type ScreenIdentity, SimScreen, now } from './screen.ts';

/** One simulator thread: owns a slice of the fleet and answers the parent's requests. */
const screens = new Map<string, SimScreen>();

interface PendingWant {
  want: Want;
  remaining: Set<string>;
  at: Map<string, number>;
  resolve: (r: WantReply) => void;
}
const wants = new Set<PendingWant>();

function onChange(s: SimScreen): void {
  for (const w of wants) {
    if (!w.remaining.has(s.id)) continue;
    const at = satisfiedAt(s, w.want);
    if (at === null) continue;
    w.remaining.delete(s.id);
    w.at.set(s.id, at);
    if (w.remaining.size === 0) finishWant(w);
  }
}

function finishWant(w: PendingWant): void {
  if (!wants.delete(w)) return;
  const ids = [...w.at.keys(), ...w.remaining];
  w.resolve({ at: ids.map((id) => ({ id, at: w.at.get(id) ?? null })) });
}

async function pool<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  const n = Math.max(1, Math.min(items.length, concurrency));
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) {
        const item = items[i++] as T;
        await fn(item);
      }
    }),
  );
}

async function connectAll(list: SimScreen[], concurrency: number, retries: number): Promise<ConnectReply> {
  const t0 = now();
  const reply: ConnectReply = { connected: 0, failed: [], connectMs: [] };
  await pool(list, concurrency, async (s) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await s.connect();
        reply.connected++;
        reply.connectMs.push(now() - t0);
        return;
      } catch (e) {
        s.destroy();
        if (attempt >= retries) {
          reply.failed.push({ id: s.id, error: (e as Error).message });
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
      }
    }
  });
  return reply;
}

async function health(perSecond: number, durationMs: number): Promise<HealthReply> {
  const list = [...screens.values()];
  const t0 = now();
  let sent = 0;
  let skipped = 0;
  let idx = 0;
  const tickMs = 10;
  while (now() - t0 < durationMs) {
    const due = Math.floor(((now() - t0) / 1000) * perSecond);
    while (sent + skipped < due) {
      const s = list[idx++ % list.length];
      if (s?.sendHealth()) sent++;
      else skipped++;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  return { sent, skipped, elapsedMs: now() - t0 };
}

function pick(ids?: string[]): SimScreen[] {
  if (!ids) return [...screens.values()];
  return ids.flatMap((id) => {
    const s = screens.get(id);
    return s ? [s] : [];
  });
}

function stats(ids?: string[]): ScreenStats[] {
  return pick(ids).map((s) => ({
    id: s.id,
    connected: s.client?.connected ?? false,
    bytesIn: s.bytesIn,
    bytesOut: s.bytesOut,
    received: s.received,
    invalid: s.invalid,
    commandsDone: s.commandsDone,
  }));
}

async function handle(env: WorkerEnvelope): Promise<unknown> {
  const req = env.req;
  switch (req.op) {
    case 'connect': {
      const list = req.screens.map((ident: ScreenIdentity) => {
        const s = new SimScreen(ident, req.behaviour as ScreenBehaviour);
        s.onChange = onChange;
        screens.set(ident.id, s);
        return s;
      });
      return connectAll(list, req.concurrency, req.retries);
    }
    case 'reconnect':
      return connectAll(pick(req.ids), req.concurrency, req.retries);
    case 'want': {
      const list = pick(req.ids);
      return new Promise<WantReply>((resolve) => {
        const w: PendingWant = { want: req.want, remaining: new Set(), at: new Map(), resolve };
        for (const s of list) {
          const at = satisfiedAt(s, req.want);
          if (at === null) w.remaining.add(s.id);
          else w.at.set(s.id, at);
        }
        wants.add(w);
        if (w.remaining.size === 0) finishWant(w);
        else setTimeout(() => finishWant(w), req.timeoutMs).unref();
      });
    }
    case 'health':
      return health(req.perSecond, req.durationMs);
    case 'kill':
      for (const s of pick(req.ids)) s.kill(req.mode);
      return null;
    case 'disconnect':
      await Promise.all(pick(req.ids).map((s) => s.disconnect()));
      return null;
    case 'stats':
      return stats(req.ids);
    case 'inspect': {
      const s = screens.get(req.id);
      if (!s) return null;
      return {
        id: s.id,
        connected: s.client?.connected ?? false,
        configVersion: s.configVersion,
        campaigns: Object.fromEntries([...s.campaigns].map(([k, v]) => [k, v.version])),
        feeds: [...s.feeds.keys()],
        invalid: s.invalid,
      };
    }
    case 'close':
      for (const s of screens.values()) s.destroy();
      screens.clear();
      return null;
  }
}

if (!parentPort) throw new Error('sim/worker.ts must run as a worker thread');
const port = parentPort;
port.on('message', (env: WorkerEnvelope) => {
  handle(env).then(
    (value) => port.postMessage({ reqId: env.reqId, ok: true, value } satisfies WorkerResult),
    (e: Error) => port.postMessage({ reqId: env.reqId, ok: false, error: e.message } satisfies WorkerResult),
  );
});
