/**
 * The anonymous public channel of the mobile companion, with real mqtt.js clients against the real
 * server's embedded broker: it reads v1/feeds/# and nothing else, publishes nothing, is WebSocket only,
 * and is rate-limited per address (connections) and per connection (subscriptions).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { filters, topics } from '../../protocol/index.ts';
import { startMobileServer } from './support/mobile.ts';

let srv: Awaited<ReturnType<typeof startMobileServer>>;
const open: MqttClient[] = [];

function connectPublic(url: string, id = Math.random().toString(16).slice(2)): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, {
      username: 'public',
      clientId: `public:${id}`,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      protocolVersion: 4,
    });
    open.push(c);
    c.once('connect', () => resolve(c));
    c.once('error', (e) => reject(e));
    c.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** The granted QoS of one SUBSCRIBE, 128 = refused (mqtt.js reports a refusal as an error). */
function grantOf(c: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve) => {
    c.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err && !/Unspecified error|suback/i.test(err.message)) return resolve(-1);
      resolve(err ? 128 : (granted?.[0]?.qos ?? -1));
    });
  });
}

beforeAll(async () => {
  srv = await startMobileServer();
}, 60_000);
afterAll(async () => {
  for (const c of open) c.end(true);
  await srv?.close();
});

describe('public read-only channel', () => {
  it('reads the retained feeds and is refused everything outside v1/feeds/#', {
    timeout: 60_000,
  }, async () => {
    const ws = srv.server.wsUrl;
    expect(ws).toBeTruthy();
    const c = await connectPublic(ws!);
    const got: string[] = [];
    c.on('message', (t) => got.push(t));

    // Something private to leak, retained: a screen config and a campaign.
    await srv.server.bus.publish(topics.screenConfig('leak-screen'), Buffer.from('{"x":1}'), {
      retain: true,
      qos: 1,
    });

    for (const f of [
      'v1/campaigns/#',
      'v1/screens/+/config',
      'v1/screens/leak-screen/config',
      '#',
      '+/feeds/#',
      '$SYS/#',
    ])
      expect(await grantOf(c, f), f).toBe(128);
    expect(await grantOf(c, filters.allFeeds)).not.toBe(128);
    await expect
      .poll(() => got.filter((t) => t.startsWith('v1/feeds/')).length, { timeout: 20_000 })
      .toBeGreaterThan(3);
    expect(got.every((t) => t.startsWith('v1/feeds/'))).toBe(true);

    // Publishing anything: refused (the broker closes the connection), and nothing is delivered.
    const watcher = await connectPublic(ws!);
    const seen: string[] = [];
    watcher.on('message', (t) => seen.push(t));
    await watcher.subscribeAsync(filters.allFeeds);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish(topics.feed('transport', 'fake-stop'), Buffer.from('{"forged":true}'), {
      qos: 0,
      retain: true,
    });
    await closed;
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).not.toContain(topics.feed('transport', 'fake-stop'));
  });

  it('refuses the public identity over plain TCP MQTT and with a password', async () => {
    const tcp = mqtt.connect(srv.server.mqttUrl, {
      username: 'public',
      clientId: 'public:tcp',
      reconnectPeriod: 0,
    });
    open.push(tcp);
    const err = await new Promise<Error>((r) => tcp.once('error', r));
    expect(err.message).toMatch(/Not authorized/i);
    const pw = mqtt.connect(srv.server.wsUrl!, {
      username: 'public',
      password: 'x',
      clientId: 'public:pw',
      reconnectPeriod: 0,
    });
    open.push(pw);
    expect((await new Promise<Error>((r) => pw.once('error', r))).message).toMatch(/Not authorized/i);
  });

  it('limits public connections per address and subscriptions per connection', {
    timeout: 30_000,
  }, async () => {
    const broker = await startEmbeddedBroker({
      authenticateScreen: async () => false,
      log: pino({ level: 'silent' }),
      mqttPort: 0,
      host: '127.0.0.1',
      publicLimits: { maxConnectionsPerAddress: 2, subscribeBurst: 3, subscribesPerSecond: 0.01 },
    });
    const http = createServer();
    broker.attachWebSocket(http, '/mqtt');
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/mqtt`;
    try {
      const a = await connectPublic(url);
      const b = await connectPublic(url);
      await expect(connectPublic(url)).rejects.toThrow();
      // Closing one frees its slot.
      await a.endAsync();
      await expect
        .poll(
          async () => {
            try {
              await connectPublic(url);
              return true;
            } catch {
              return false;
            }
          },
          { timeout: 5000 },
        )
        .toBe(true);
      const grants = [];
      for (let i = 0; i < 5; i++) grants.push(await grantOf(b, `v1/feeds/transport/s${i}`));
      expect(grants).toEqual([1, 1, 1, 128, 128]);
    } finally {
      for (const c of open) c.end(true);
      await broker.close();
      await new Promise((r) => http.close(r));
    }
  });
});
