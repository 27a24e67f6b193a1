import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { Presence } from '../../control-server/fleet/presence.ts';
import { silentLogger } from '../../control-server/log.ts';
import { registry } from '../../control-server/metrics.ts';
import {
  messages,
  mosquittoPub,
  mosquittoSub,
  run,
  statusJson,
  subackCodes,
  tempDir,
  waitFor,
} from './broker-helpers.ts';

// The embedded broker alone, with a fixed device-token table as its auth hook (the server-level
// test in broker-server.test.ts provisions through REST and the real store).
const TOKENS: Record<string, string> = { 'scr-1': 'token-one', 'scr-2': 'token-two' };

let broker: EmbeddedBroker;
let presence: Presence;
let httpServer: http.Server;
let wsUrl: string;
let tmp: { dir: string; cleanup: () => Promise<void> };
const serverSeen: Array<{ topic: string; payload: string }> = [];

async function invalidCount(kind: string): Promise<number> {
  const m = await registry.getSingleMetric('stander_invalid_messages_total')?.get();
  return (m?.values ?? []).filter((v) => v.labels.kind === kind).reduce((a, v) => a + v.value, 0);
}

beforeAll(async () => {
  tmp = await tempDir('broker');
  // A self-signed certificate for mqtts, made by openssl for 127.0.0.1.
  const cert = path.join(tmp.dir, 'cert.pem');
  const key = path.join(tmp.dir, 'key.pem');
  const ssl = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  expect(ssl.code, ssl.stderr).toBe(0);
  broker = await startEmbeddedBroker({
    authenticateScreen: async (id, token) => TOKENS[id] === token,
    log: silentLogger(),
    host: '127.0.0.1',
    mqttPort: 0,
    tls: { cert: await readFile(cert), key: await readFile(key), port: 0 },
  });
  presence = new Presence({ bus: broker.bus, log: silentLogger() });
  await presence.start();
  broker.events.on('screenConnected', (id) => presence.connected(id));
  broker.events.on('screenDisconnected', (id) => presence.disconnected(id));
  await broker.bus.subscribe('v1/screens/#', (topic, p) => serverSeen.push({ topic, payload: p.toString() }));

  httpServer = http.createServer((_req, res) => res.end('ok'));
  broker.attachWebSocket(httpServer);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
  const addr = httpServer.address() as net.AddressInfo;
  wsUrl = `ws://127.0.0.1:${addr.port}/mqtt`;

  const retained = { retain: true, qos: 1 } as const;
  await broker.bus.publish(topics.screenConfig('scr-1'), '{"for":"scr-1"}', retained);
  await broker.bus.publish(topics.screenConfig('scr-2'), '{"for":"scr-2"}', retained);
  await broker.bus.publish(topics.campaign('c1'), '{"campaign":"c1"}', retained);
  await broker.bus.publish(topics.feed('water', 'w1'), '{"feed":"w1"}', retained);
}, 60_000);

afterAll(async () => {
  presence?.stop();
  await broker?.close();
  await new Promise<void>((r) => (httpServer ? httpServer.close(() => r()) : r()));
  await tmp?.cleanup();
});

const scr1 = () => ({ port: broker.mqttPort, user: 'scr-1', pass: 'token-one' });

describe('embedded broker with real mosquitto clients', () => {
  it('delivers a screen its retained config and the campaigns', async () => {
    const r = await mosquittoSub(scr1(), [topics.screenConfig('scr-1'), 'v1/campaigns/#'], 2, 5);
    expect(r.code, r.stderr).toBe(0);
    expect(subackCodes(r.stdout)).toEqual([1, 1]);
    const got = messages(r.stdout);
    expect(got).toContainEqual({ topic: 'v1/screens/scr-1/config', payload: '{"for":"scr-1"}' });
    expect(got).toContainEqual({ topic: 'v1/campaigns/c1', payload: '{"campaign":"c1"}' });
  });

  it("refuses another screen's cmd and config, and wildcard tricks, with SUBACK 0x80", async () => {
    const refused = [
      'v1/screens/scr-2/config',
      'v1/screens/scr-2/cmd',
      '#',
      '+/+/+',
      '$SYS/#',
      'v1/screens/+/config',
    ];
    for (const f of refused) {
      const r = await mosquittoSub(scr1(), [f], 1, 1);
      expect(subackCodes(r.stdout), f).toEqual([128]);
      expect(messages(r.stdout), f).toEqual([]);
    }
    // A mixed SUBSCRIBE: allowed filters granted, the others refused, nothing of scr-2 delivered.
    const r = await mosquittoSub(scr1(), [topics.screenConfig('scr-1'), 'v1/screens/scr-2/#'], 2, 2);
    expect(subackCodes(r.stdout)).toEqual([1, 128]);
    expect(messages(r.stdout).map((m) => m.topic)).toEqual(['v1/screens/scr-1/config']);
  });

  it("cannot publish another screen's status; the server never sees it", async () => {
    const before = presence.get('scr-2');
    const r = await mosquittoPub(scr1(), topics.screenStatus('scr-2'), statusJson('online'));
    expect(r.stdout).not.toContain('received PUBACK');
    await new Promise((res) => setTimeout(res, 300));
    expect(serverSeen.filter((m) => m.topic === 'v1/screens/scr-2/status')).toEqual([]);
    expect(presence.get('scr-2')).toEqual(before);
    expect(before.online).toBe(false);
  });

  it('refuses a wrong token and a client id that is not the screen', async () => {
    const wrong = await mosquittoSub({ ...scr1(), pass: 'nope' }, ['v1/feeds/#'], 1, 2);
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toContain('not authorised');
    const stolenId = await mosquittoSub({ ...scr1(), id: 'scr-2' }, ['v1/feeds/#'], 1, 2);
    expect(stolenId.code).toBe(5);
    const prefixTrick = await mosquittoSub({ ...scr1(), id: 'scr-10' }, ['v1/feeds/#'], 1, 2);
    expect(prefixTrick.code).toBe(5);
    const suffixed = await mosquittoSub({ ...scr1(), id: 'scr-1:diag' }, ['v1/feeds/#'], 1, 3);
    expect(suffixed.code).toBe(0);
    expect(messages(suffixed.stdout)).toEqual([{ topic: 'v1/feeds/water/w1', payload: '{"feed":"w1"}' }]);
  });

  it('accepts a valid status, drops and counts an invalid one', async () => {
    const before = await invalidCount('status');
    const bad = await mosquittoPub(scr1(), topics.screenStatus('scr-1'), '{"state":"dancing"}', {
      retain: true,
    });
    expect(bad.stdout).toContain('received PUBACK'); // acknowledged, so the client does not resend it
    expect(await invalidCount('status')).toBe(before + 1);
    const good = await mosquittoPub(
      scr1(),
      topics.screenStatus('scr-1'),
      statusJson('online', { appVersion: '1.2.3' }),
    );
    expect(good.code).toBe(0);
    await waitFor(() => presence.get('scr-1').appVersion === '1.2.3', 3000);
    const statuses = serverSeen.filter((m) => m.topic === 'v1/screens/scr-1/status').map((m) => m.payload);
    expect(statuses.some((p) => p.includes('dancing'))).toBe(false);
    // The invalid retained status was not stored either: a new subscriber (the server's view) gets none.
    const garbage = await mosquittoPub(scr1(), topics.screenHealth('scr-1'), 'not json');
    expect(garbage.stdout).toContain('received PUBACK');
    expect(await invalidCount('health')).toBeGreaterThan(0);
  });
});

/** A minimal MQTT 3.1.1 CONNECT, so a test can hold a socket open and then go silent (no PINGREQ). */
function connectPacket(
  clientId: string,
  user: string,
  pass: string,
  keepaliveS: number,
  will: { topic: string; payload: string },
) {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const flags = 0x80 | 0x40 | 0x20 | 0x08 | 0x04 | 0x02; // user, password, will retain, will QoS 1, will, clean
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, flags, keepaliveS >> 8, keepaliveS & 0xff]),
    str(clientId),
    str(will.topic),
    str(will.payload),
    str(user),
    str(pass),
  ]);
  const len: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x10, ...len]), body]);
}

async function rawConnect(keepaliveS: number): Promise<net.Socket> {
  const sock = net.connect(broker.mqttPort, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  const connack = new Promise<Buffer>((r) => sock.once('data', (d: Buffer) => r(d)));
  sock.write(
    connectPacket('scr-2', 'scr-2', 'token-two', keepaliveS, {
      topic: topics.screenStatus('scr-2'),
      payload: statusJson('offline'),
    }),
  );
  const ack = await connack;
  expect([...ack.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]);
  return sock;
}

describe('presence', () => {
  it('shows a silent client offline within 1.5 x keepalive, with its last will', async () => {
    const keepaliveS = 2;
    const sock = await rawConnect(keepaliveS);
    await waitFor(() => presence.get('scr-2').online, 2000);
    const t0 = Date.now();
    const offline = await waitFor(() => !presence.get('scr-2').online && Date.now(), 10_000, 20);
    const elapsed = offline - t0;
    // Not earlier than the keepalive (the socket is still open), not later than 1.5x (+ scheduling slack).
    expect(elapsed).toBeGreaterThan(keepaliveS * 1000 - 200);
    expect(elapsed).toBeLessThanOrEqual(keepaliveS * 1500 + 400);
    await waitFor(
      () => serverSeen.some((m) => m.topic === 'v1/screens/scr-2/status' && m.payload.includes('offline')),
      2000,
    );
    sock.destroy();
  });

  it('shows a destroyed socket offline at once', async () => {
    const sock = await rawConnect(20);
    await waitFor(() => presence.get('scr-2').online, 2000);
    const t0 = Date.now();
    sock.destroy();
    await waitFor(() => !presence.get('scr-2').online, 2000, 10);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('oversized packets', () => {
  it('cuts a connection whose packet header announces more than the largest v1 message', async () => {
    const sock = net.connect(broker.mqttPort, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const closed = new Promise<number>((r) => sock.once('close', () => r(Date.now())));
    sock.on('error', () => undefined);
    // PUBLISH, remaining length 5 MB (varint 0x80 0x80 0xe2 0x02 = 5,242,880), then 256 KB of it.
    const t0 = Date.now();
    sock.write(Buffer.from([0x30, 0x80, 0x80, 0xc0, 0x02]));
    sock.write(Buffer.alloc(256 * 1024));
    expect((await closed) - t0).toBeLessThan(2000);
    const denied = await registry.getSingleMetric('stander_mqtt_denied_total')?.get();
    expect(denied?.values.some((v) => v.labels.action === 'oversize' && v.value > 0)).toBe(true);
  });
});

describe('failed-login throttle', () => {
  it('refuses even the right token after repeated failures from one address and username, and only those', async () => {
    const small = await startEmbeddedBroker({
      authenticateScreen: async (id, token) => TOKENS[id] === token,
      log: silentLogger(),
      host: '127.0.0.1',
      mqttPort: 0,
      maxAuthFailuresPerMinute: 2,
    });
    const attempt = async (user: string, pass: string) => {
      const r = await mosquittoSub({ port: small.mqttPort, user, pass }, ['v1/feeds/#'], 1, 1);
      return r.code;
    };
    try {
      expect(await attempt('scr-1', 'wrong')).toBe(5);
      expect(await attempt('scr-1', 'wrong')).toBe(5);
      expect(await attempt('scr-1', 'token-one')).toBe(5); // throttled
      expect(await attempt('scr-2', 'token-two')).not.toBe(5); // another screen on the same address is fine
    } finally {
      await small.close();
    }
  });
});

describe('WebSocket and TLS', () => {
  it('serves MQTT over WebSocket at /mqtt to a screen (mqtt.js)', async () => {
    const c = await mqtt.connectAsync(wsUrl, {
      clientId: 'scr-1:ws',
      username: 'scr-1',
      password: 'token-one',
      reconnectPeriod: 0,
    });
    try {
      const got = new Promise<string>((r) => c.once('message', (_t, p) => r(p.toString())));
      const granted = await c.subscribeAsync(topics.screenConfig('scr-1'), { qos: 1 });
      expect(granted[0]?.qos).toBe(1);
      expect(await got).toBe('{"for":"scr-1"}');
    } finally {
      await c.endAsync();
    }
  });

  it('lets the public identity read feeds over WebSocket only, and nothing else', async () => {
    const c = await mqtt.connectAsync(wsUrl, {
      clientId: 'public:phone-1',
      username: 'public',
      reconnectPeriod: 0,
    });
    try {
      const got = new Promise<string>((r) => c.once('message', (t) => r(t)));
      expect((await c.subscribeAsync('v1/feeds/#', { qos: 1 }))[0]?.qos).toBe(1);
      expect(await got).toBe('v1/feeds/water/w1');
      // mqtt.js rejects a subscription the broker answered with 0x80.
      for (const f of ['v1/campaigns/#', '#', 'v1/screens/+/config']) {
        await expect(c.subscribeAsync(f, { qos: 1 }), f).rejects.toThrow(/Subscribe error/);
      }
    } finally {
      await c.endAsync();
    }
    const tcp = await run('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(broker.mqttPort),
      '-u',
      'public',
      '-i',
      'public:x',
      '-t',
      'v1/feeds/#',
      '-C',
      '1',
      '-W',
      '2',
    ]);
    expect(tcp.code).toBe(5);
  });

  it('serves mqtts with the configured certificate', async () => {
    const cafile = path.join(tmp.dir, 'cert.pem');
    const r = await run('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(broker.mqttsPort),
      '--cafile',
      cafile,
      '-u',
      'scr-1',
      '-P',
      'token-one',
      '-i',
      'scr-1',
      '-t',
      topics.screenConfig('scr-1'),
      '-C',
      '1',
      '-W',
      '5',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('{"for":"scr-1"}');
  });
});

describe('offline persistent sessions', () => {
  it('queue commands for an offline screen, but not retained updates it gets again on subscribe', async () => {
    const opts = {
      clientId: 'scr-1:persist',
      username: 'scr-1',
      password: 'token-one',
      clean: false,
      reconnectPeriod: 0,
    };
    const first = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, opts);
    await first.subscribeAsync([topics.feed('water', 'w9'), topics.screenCmd('scr-1')], { qos: 1 });
    await first.endAsync();
    for (let i = 0; i < 50; i++) {
      await broker.bus.publish(topics.feed('water', 'w9'), JSON.stringify({ n: i }), {
        retain: true,
        qos: 1,
      });
    }
    await broker.bus.publish(topics.screenCmd('scr-1'), '{"cmd":1}', { retain: false, qos: 1 });
    const got: string[] = [];
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      ...opts,
      resubscribe: false,
    });
    try {
      again.on('message', (t, p) => got.push(`${t} ${p.toString()}`));
      await waitFor(() => got.length >= 1, 3000);
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual(['v1/screens/scr-1/cmd {"cmd":1}']); // the session survived; 50 feed updates were not queued
      await again.subscribeAsync(topics.feed('water', 'w9'), { qos: 1 });
      await waitFor(() => got.length >= 2, 3000);
      expect(got[1]).toBe('v1/feeds/water/w9 {"n":49}'); // the latest, from the retained store
    } finally {
      await again.endAsync();
      await broker.bus.publish(topics.feed('water', 'w9'), Buffer.alloc(0), { retain: true, qos: 1 });
    }
  });

  it('queue campaign withdrawals for an offline screen, not the edits it gets again on subscribe', async () => {
    const opts = {
      clientId: 'scr-1:campaigns',
      username: 'scr-1',
      password: 'token-one',
      clean: false,
      reconnectPeriod: 0,
    };
    await broker.bus.publish(topics.campaign('c-gone'), '{"v":1}', { retain: true, qos: 1 });
    await broker.bus.publish(topics.campaign('c-kept'), '{"v":1}', { retain: true, qos: 1 });
    const first = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, opts);
    await first.subscribeAsync([topics.campaign('c-gone'), topics.campaign('c-kept')], { qos: 1 });
    await first.endAsync();
    // Withdrawn while the screen is away: the retained store now holds nothing for this topic.
    await broker.bus.publish(topics.campaign('c-gone'), Buffer.alloc(0), { retain: true, qos: 1 });
    // Edited twice while away: the retained store holds the latest, which the re-subscription brings.
    for (const v of [2, 3])
      await broker.bus.publish(topics.campaign('c-kept'), `{"v":${v}}`, { retain: true, qos: 1 });
    const got: string[] = [];
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      ...opts,
      resubscribe: false,
    });
    try {
      again.on('message', (t, p) => got.push(`${t} ${p.toString()}`));
      await waitFor(() => got.length >= 1, 3000);
      await new Promise((r) => setTimeout(r, 300));
      // Only the withdrawal was queued, not the intermediate versions of the edited campaign.
      expect(got).toEqual(['v1/campaigns/c-gone ']);
      await again.subscribeAsync(topics.campaign('c-kept'), { qos: 1 });
      await waitFor(() => got.length >= 2, 3000);
      expect(got[1]).toBe('v1/campaigns/c-kept {"v":3}');
    } finally {
      await again.endAsync();
      await broker.bus.publish(topics.campaign('c-kept'), Buffer.alloc(0), { retain: true, qos: 1 });
    }
  });
});
