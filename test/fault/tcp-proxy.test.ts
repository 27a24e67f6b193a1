import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.ts';

/** The outage proxy itself, against a real echo server on loopback. */
async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise((r) => server.close(() => r())) };
}

function roundTrip(port: number, text: string, timeoutMs = 1000): Promise<string | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      s.destroy();
      resolve('timeout');
    }, timeoutMs);
    s.on('data', (d) => {
      clearTimeout(timer);
      s.destroy();
      resolve(d.toString());
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve('closed');
    });
    s.on('error', () => undefined);
    s.write(text);
  });
}

describe('TcpProxy', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('passes, delays, blackholes, refuses and cuts', async () => {
    const echo = await echoServer();
    const proxy = new TcpProxy({ targetPort: echo.port });
    await proxy.listen();
    cleanups.push(() => proxy.close(), echo.close);

    expect(await roundTrip(proxy.port, 'hello')).toBe('hello');

    proxy.setDelay(150);
    const t0 = Date.now();
    expect(await roundTrip(proxy.port, 'slow')).toBe('slow');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    proxy.setDelay(0);

    proxy.setMode('blackhole');
    expect(await roundTrip(proxy.port, 'lost', 300)).toBe('timeout');

    proxy.setMode('refuse');
    expect(await roundTrip(proxy.port, 'nope')).toBe('closed');

    proxy.setMode('pass');
    const s = net.connect(proxy.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    await new Promise((r) => setTimeout(r, 30));
    const closed = new Promise((r) => s.once('close', r));
    expect(proxy.cutAll()).toBe(1);
    await closed;
    expect(proxy.stats.refused).toBe(1);
  });

  it('refuses non-loopback targets', () => {
    expect(() => new TcpProxy({ targetPort: 1, targetHost: '10.0.0.1' })).toThrow(/loopback/);
  });
});
