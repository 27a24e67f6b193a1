import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { SourceSchema } from '../../control-server/feeds/config.ts';
import { feedMetrics } from '../../control-server/feeds/metrics.ts';
import { FeedSource } from '../../control-server/feeds/source.ts';
import { silentLogger } from '../../control-server/log.ts';

// HTTP polling against a real local HTTP server: conditional requests (ETag, Last-Modified), timeouts,
// error statuses with Retry-After, size limits, and the exponential back-off with jitter.

interface Seen {
  path: string;
  headers: http.IncomingHttpHeaders;
}

let broker: EmbeddedBroker;
let server: http.Server;
let base: string;
const seen: Seen[] = [];
let temp = 18.9;
let mode: 'ok' | 'error' | 'hang' | 'huge' = 'ok';

const body = () =>
  JSON.stringify([
    {
      beachName: 'Sandkaj',
      latitude: 55.7091,
      longitude: 12.5979,
      data: [{ date: '2025-07-14 10:00', waterTemperature: temp, waterQuality: 1 }],
    },
  ]);

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    authenticateScreen: async () => false,
    log: silentLogger(),
    mqttPort: 0,
    host: '127.0.0.1',
  });
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    if (mode === 'hang') return; // never answers
    if (mode === 'error') {
      res.writeHead(503, { 'retry-after': '120' }).end('busy');
      return;
    }
    if (mode === 'huge') {
      res.writeHead(200, { 'content-length': String(60 * 1024 * 1024) });
      res.write(Buffer.alloc(1024));
      return; // the client must give up on the declared length
    }
    const etag = `"t-${temp}"`;
    const lastModified = 'Mon, 14 Jul 2025 08:00:00 GMT';
    if (req.url?.startsWith('/etag') && req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    if (req.url?.startsWith('/lm') && req.headers['if-modified-since'] === lastModified && temp === 18.9) {
      res.writeHead(304).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (req.url?.startsWith('/etag')) headers.etag = etag;
    if (req.url?.startsWith('/lm')) headers['last-modified'] = lastModified;
    res.writeHead(200, headers).end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await broker.close();
});

/** A source on the local server; `timeoutS` is generous (the machine may be busy) unless a test needs it short. */
function source(
  url: string,
  extra: Record<string, unknown> = {},
  random = () => 0.5,
  timeoutS = 15,
): FeedSource {
  const config = SourceSchema.parse({
    id: `http-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'water',
    format: 'bathing-water',
    input: { url, timeoutS },
    intervalS: 30,
    maxBackoffS: 600,
    ...extra,
  });
  return new FeedSource(config, {
    bus: broker.bus,
    log: silentLogger(),
    metrics: feedMetrics(new Registry()),
    baseDir: '/nonexistent',
    now: () => new Date('2025-07-14T10:30:00Z'),
    random,
  });
}

describe('HTTP sources', () => {
  it('sends If-None-Match after an ETag and treats 304 as unchanged', async () => {
    mode = 'ok';
    temp = 18.9;
    const s = source(`${base}/etag`);
    await s.pollNow();
    await s.pollNow();
    const mine = seen.filter((x) => x.path === '/etag');
    expect(mine).toHaveLength(2);
    expect(mine[0]!.headers['if-none-match']).toBeUndefined();
    expect(mine[1]!.headers['if-none-match']).toBe('"t-18.9"');
    expect(mine[1]!.headers['user-agent']).toMatch(/^Stander-feeds\//);
    expect(s.health).toMatchObject({ publishes: 1, unchangedSkips: 1, consecutiveFailures: 0 });
    temp = 19.2;
    await s.pollNow();
    expect(s.health.publishes).toBe(2);
  });

  it('sends If-Modified-Since after a Last-Modified', async () => {
    mode = 'ok';
    temp = 18.9;
    const s = source(`${base}/lm`);
    await s.pollNow();
    await s.pollNow();
    const mine = seen.filter((x) => x.path === '/lm');
    expect(mine.at(-1)!.headers['if-modified-since']).toBe('Mon, 14 Jul 2025 08:00:00 GMT');
    expect(s.health).toMatchObject({ publishes: 1, unchangedSkips: 1 });
  });

  it('backs off exponentially with jitter, honours Retry-After, and resets after success', async () => {
    mode = 'error';
    const s = source(`${base}/etag`, {}, () => 0); // jitter factor 0.75
    await s.pollNow();
    expect(s.health.lastError).toMatch(/HTTP 503/);
    expect(s.nextDelayS()).toBe(120); // Retry-After beats 30 s * 0.75
    const t = source(`${base}/plain`, {}, () => 1, 0.5); // jitter factor 1.25, capped at maxBackoffS
    mode = 'hang';
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      await t.pollNow();
      expect(performance.now() - t0).toBeLessThan(8000);
      delays.push(t.nextDelayS());
    }
    expect(t.health.lastError).toMatch(/timed out after 0.5 s/);
    expect(t.health.consecutiveFailures).toBe(6);
    expect(delays).toEqual([37.5, 75, 150, 300, 600, 600]);
    mode = 'ok';
    await t.pollNow();
    expect(t.nextDelayS()).toBe(30);
    expect(t.health.consecutiveFailures).toBe(0);
  });

  it('stop() aborts a request in flight instead of waiting for its timeout', async () => {
    mode = 'hang';
    const s = source(`${base}/stop`, {}, () => 0.5, 30);
    const poll = s.pollNow();
    const end = Date.now() + 10_000;
    while (!seen.some((x) => x.path === '/stop') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    const t0 = performance.now();
    await s.stop();
    await poll;
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(s.health.consecutiveFailures).toBe(0); // a shutdown is not a failure of the source
    mode = 'ok';
  });

  it('refuses a response larger than the format allows without reading it all', async () => {
    mode = 'huge';
    const s = source(`${base}/huge`);
    await s.pollNow();
    expect(s.health.lastError).toMatch(/response of 62914560 bytes exceeds the limit/);
    expect(s.health.publishes).toBe(0);
  });
});
