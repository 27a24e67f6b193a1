import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from './connection.ts';
import { silentLogger } from './log.ts';

/** A real aedes broker that records connection attempts and can refuse credentials. */
async function broker(opts: { refuse?: boolean } = {}) {
  const aedes = await Aedes.createBroker();
  const attempts: { at: number; clientId: string; clean: boolean; keepalive: number }[] = [];
  aedes.authenticate = (_client, username, password, done) => {
    const ok = !opts.refuse && username === 'scr-1' && password?.toString() === 'tok';
    if (!ok) {
      done(Object.assign(new Error('not authorized'), { returnCode: 5 }) as never, false);
      return;
    }
    done(null, true);
  };
  aedes.preConnect = (_client, packet, done) => {
    attempts.push({
      at: Date.now(),
      clientId: packet.clientId,
      clean: packet.clean ?? true,
      keepalive: packet.keepalive ?? 0,
    });
    done(null, true);
  };
  const sockets = new Set<Socket>();
  const net: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  await new Promise<void>((r) => net.listen(0, '127.0.0.1', r));
  return {
    url: `mqtt://127.0.0.1:${(net.address() as AddressInfo).port}`,
    attempts,
    aedes,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => aedes.close(() => r()));
      await new Promise<void>((r) => net.close(() => r()));
    },
  };
}

describe('Connection', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const connect = (url: string, backoff: { minMs?: number; maxMs?: number; refusedMs?: number }) => {
    const states: boolean[] = [];
    const c = new Connection({
      url,
      screenId: 'scr-1',
      token: 'tok',
      log: silentLogger,
      backoff,
      will: () => ({ topic: 'v1/screens/scr-1/status', payload: Buffer.from('{"state":"offline"}') }),
      onMessage: () => undefined,
      onOnline: (on) => states.push(on),
      onReady: () => undefined,
    });
    c.setSubscriptions(['v1/screens/scr-1/config', 'v1/campaigns/#']);
    c.start();
    cleanups.push(() => c.close());
    return { c, states };
  };

  it('uses a persistent session under its screen id with keepalive 15 s, and reconnects after a drop', async () => {
    const b = await broker();
    cleanups.push(b.close);
    const { c, states } = connect(b.url, { minMs: 50, maxMs: 200 });
    const t0 = Date.now();
    while (!c.online && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    expect(b.attempts[0]).toMatchObject({ clientId: 'scr-1', clean: false, keepalive: 15 });
    b.dropAll();
    const t1 = Date.now();
    while ((states.length < 3 || !c.online) && Date.now() - t1 < 5000)
      await new Promise((r) => setTimeout(r, 10));
    expect(states).toEqual([true, false, true]);
    expect(c.connects).toBe(2);
  });

  it('backs off exponentially with jitter while the broker is down, up to its cap', async () => {
    // A port that accepts TCP and hangs up at once: the broker is "down".
    const hangups: number[] = [];
    const dead = createServer((s) => {
      hangups.push(Date.now());
      s.destroy();
    });
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => dead.close(() => r())));
    connect(`mqtt://127.0.0.1:${(dead.address() as AddressInfo).port}`, { minMs: 40, maxMs: 320 });
    await new Promise((r) => setTimeout(r, 2500));
    const gaps = hangups.slice(1).map((t, i) => t - hangups[i]!);
    // 40, 80, 160, 320, 320, ... each drawn from [50%, 100%] of its ceiling.
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    expect(gaps.length).toBeLessThan(25);
    // (slack for a loaded test machine)
    for (const g of gaps) expect(g).toBeLessThanOrEqual(320 + 250);
    expect(gaps.slice(-3).every((g) => g >= 160 - 10)).toBe(true);
    expect(new Set(gaps.slice(-4).map((g) => Math.round(g / 5))).size).toBeGreaterThan(1);
  });

  it('retries slowly when the broker refuses its credentials', async () => {
    const b = await broker({ refuse: true });
    cleanups.push(b.close);
    const { c } = connect(b.url, { minMs: 20, maxMs: 40, refusedMs: 2000 });
    await new Promise((r) => setTimeout(r, 1200));
    // The long delay instead of the fast 20-40 ms retries (which would make ~30 attempts). The socket
    // may close before the refusing CONNACK is read, so one fast retry can happen first.
    expect(b.attempts.length).toBeGreaterThanOrEqual(1);
    expect(b.attempts.length).toBeLessThanOrEqual(2);
    expect(c.online).toBe(false);
  });
});
