import { readFileSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../control-server/broker/embedded.ts';
import { type Feeds, startFeeds } from '../../control-server/feeds/index.ts';
import { FIXTURES, REPO_ROOT } from '../../control-server/feeds/testing.ts';
import { silentLogger } from '../../control-server/log.ts';
import { FeedSnapshotSchema, filters, topics } from '../../protocol/index.ts';

// The feed poller publishing into a real embedded broker (aedes), read back by a real mqtt.js client
// logged in as a screen: retained QoS 1 snapshots, change detection, and bad input that must leave the
// last good snapshot published.

let broker: EmbeddedBroker;
let dir: string;
const clients: mqtt.MqttClient[] = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    authenticateScreen: async (id, token) => id === 'screen-1' && token === 'secret',
    log: silentLogger(),
    mqttPort: 0,
    host: '127.0.0.1',
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'stander-feeds-int-'));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

/** A screen's subscriber collecting every message on v1/feeds/#; retained ones arrive first. */
async function subscriber(): Promise<{
  msgs: { topic: string; payload: string; retain: boolean }[];
  client: mqtt.MqttClient;
}> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.mqttPort}`, {
    username: 'screen-1',
    password: 'secret',
    clientId: `screen-1:${Math.random().toString(36).slice(2)}`,
    reconnectPeriod: 0,
  });
  clients.push(client);
  const msgs: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) =>
    msgs.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(filters.allFeeds, { qos: 1 });
  return { msgs, client };
}

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for retained delivery to settle, then returns what arrived. */
async function settle<T>(x: T): Promise<T> {
  await new Promise((r) => setTimeout(r, 300));
  return x;
}

const beaches = (temp: number) =>
  JSON.stringify([
    {
      beachName: 'Islands Brygge',
      latitude: 55.6693,
      longitude: 12.577,
      data: [{ date: '2025-07-14 10:00', waterTemperature: temp, airTemperature: 22, waterQuality: 1 }],
    },
  ]);

describe('feeds over a real broker', () => {
  let feeds: Feeds;
  let clock = new Date('2025-07-14T10:30:00Z');
  const registry = new Registry();
  const bathFile = () => path.join(dir, 'bath.json');
  const boardFile = () => path.join(dir, 'board.xml');
  const boardXml = readFileSync(
    path.join(FIXTURES, 'transport/rejseplanen/departure-board-roskilde-api2.xml'),
    'utf8',
  );
  const bathTopic = topics.feed('water', 'islands-brygge');
  const boardTopic = topics.feed('transport', 'roskilde');

  beforeAll(async () => {
    await writeFile(bathFile(), beaches(18.9));
    await writeFile(boardFile(), boardXml);
    await writeFile(
      path.join(dir, 'feeds.json'),
      JSON.stringify({
        version: 1,
        sources: [
          {
            id: 'bath',
            kind: 'water',
            format: 'bathing-water',
            input: { file: 'bath.json' },
            intervalS: 3600,
            options: { sites: { 'Islands Brygge': { id: 'islands-brygge' } } },
          },
          {
            id: 'board',
            kind: 'transport',
            format: 'rejseplanen-xml',
            input: { file: 'board.xml' },
            intervalS: 3600,
            options: { stopId: 'roskilde' },
          },
          {
            id: 'off',
            kind: 'water',
            format: 'bathing-water',
            enabled: false,
            input: { file: 'missing.json' },
          },
        ],
      }),
    );
    feeds = await startFeeds({
      configFile: path.join(dir, 'feeds.json'),
      bus: broker.bus,
      log: silentLogger(),
      registry,
      now: () => clock,
      initialWaitMs: 60_000, // the first polls wait for the parse worker to start
    });
  });
  afterAll(async () => {
    await feeds.stop();
  });

  it('publishes each snapshot retained, valid v1, and reports health', async () => {
    const { msgs } = await subscriber();
    await waitFor(() => msgs.length >= 2);
    const bath = msgs.find((m) => m.topic === bathTopic)!;
    expect(bath.retain).toBe(true);
    const snap = FeedSnapshotSchema.parse(JSON.parse(bath.payload));
    expect(snap).toMatchObject({ kind: 'water', siteId: 'islands-brygge', waterTempC: 18.9, source: 'bath' });
    const board = FeedSnapshotSchema.parse(JSON.parse(msgs.find((m) => m.topic === boardTopic)!.payload));
    expect(board.kind === 'transport' && board.departures.length).toBe(16);
    const health = feeds.health();
    expect(health.map((h) => h.id)).toEqual(['bath', 'board']);
    expect(health[0]).toMatchObject({
      consecutiveFailures: 0,
      itemCount: 1,
      publishes: 1,
      lastError: null,
      feeds: [bathTopic],
    });
    expect(health[1]).toMatchObject({ itemCount: 16, lastSuccessAt: '2025-07-14T12:30:00+02:00' });
  });

  it('does not republish unchanged content (only fetchedAt moved)', async () => {
    const { msgs } = await subscriber();
    await settle(null);
    const retained = msgs.length;
    clock = new Date('2025-07-14T10:31:00Z');
    await writeFile(bathFile(), beaches(18.9)); // rewritten, same content
    await feeds.refresh();
    await settle(null);
    expect(msgs.length).toBe(retained);
    expect(feeds.health()[0]).toMatchObject({ publishes: 1, unchangedSkips: 1 });
  });

  it('keeps the last good snapshot published through every kind of bad input', async () => {
    const live = await subscriber();
    await settle(null);
    const before = live.msgs.length;
    const good = live.msgs.find((m) => m.topic === bathTopic)!.payload;
    const cases: [() => Promise<void>, RegExp][] = [
      [() => writeFile(bathFile(), beaches(19).slice(0, 40)), /not valid JSON/],
      [() => writeFile(bathFile(), ''), /empty input/],
      [() => writeFile(bathFile(), '{"beaches": "none"}'), /expected an array of beaches/],
      [
        async () => {
          await writeFile(bathFile(), '');
          await truncate(bathFile(), 50 * 1024 * 1024);
        },
        /over the limit/,
      ],
      [() => rm(bathFile()), /cannot read .*ENOENT/],
    ];
    let failures = 0;
    for (const [breakIt, error] of cases) {
      await breakIt();
      const t0 = performance.now();
      await feeds.refresh('bath');
      expect(performance.now() - t0).toBeLessThan(8000);
      failures++;
      const h = feeds.health()[0]!;
      expect(h.lastError).toMatch(error);
      expect(h.consecutiveFailures).toBe(failures);
      expect(h.publishes).toBe(1);
    }
    // Board: truncated XML and an unknown namespace.
    await writeFile(boardFile(), boardXml.slice(0, 5000));
    await feeds.refresh('board');
    expect(feeds.health()[1]!.lastError).toMatch(/malformed XML/);
    await writeFile(boardFile(), boardXml.replace('http://hacon.de/hafas/proxy/hafas-proxy', 'urn:x:y'));
    await feeds.refresh('board');
    expect(feeds.health()[1]!.lastError).toMatch(/unknown namespace urn:x:y/);

    await settle(null);
    expect(live.msgs.length).toBe(before); // nothing was published, not even an empty snapshot
    const late = await subscriber(); // a screen connecting now still gets the good snapshots
    await waitFor(() => late.msgs.length >= 2);
    expect(late.msgs.find((m) => m.topic === bathTopic)!.payload).toBe(good);
    const board = JSON.parse(late.msgs.find((m) => m.topic === boardTopic)!.payload);
    expect(board.departures).toHaveLength(16);
  });

  it('recovers: new content is published and the failure count resets', async () => {
    const live = await subscriber();
    await settle(null);
    const before = live.msgs.length;
    await writeFile(bathFile(), beaches(19.4));
    await feeds.refresh('bath');
    await waitFor(() => live.msgs.length === before + 1);
    expect(JSON.parse(live.msgs.at(-1)!.payload)).toMatchObject({ waterTempC: 19.4 });
    expect(feeds.health()[0]).toMatchObject({
      consecutiveFailures: 0,
      publishes: 2,
      lastError: expect.stringMatching(/ENOENT/),
    });
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/stander_feed_publishes_total\{source="bath"\} 2/);
    expect(metrics).toMatch(/stander_feed_polls_total\{source="bath",outcome="error"\} 5/);
    expect(metrics).toMatch(/stander_feed_consecutive_failures\{source="board"\} 2/);
  });
});

describe('two sources for the same site', () => {
  it('the source listed first owns the topic, whichever polls first; the other is skipped with a warning', async () => {
    const sub = await mkdtemp(path.join(dir, 'dup-'));
    await writeFile(path.join(sub, 'a.json'), beaches(17));
    await writeFile(path.join(sub, 'b.json'), beaches(25));
    const site = { sites: { 'Islands Brygge': { id: 'dup-site' } } };
    await writeFile(
      path.join(sub, 'feeds.json'),
      JSON.stringify({
        version: 1,
        sources: ['a', 'b'].map((id) => ({
          id,
          kind: 'water',
          format: 'bathing-water',
          input: { file: `${id}.json` },
          options: site,
        })),
      }),
    );
    const feeds = await startFeeds({
      configFile: path.join(sub, 'feeds.json'),
      bus: broker.bus,
      log: silentLogger(),
      registry: new Registry(),
      now: () => new Date('2025-07-14T10:30:00Z'),
    });
    try {
      // Whatever order the polls ran in, a (listed first) ends up owning the topic.
      await feeds.refresh('b');
      await feeds.refresh('a');
      await feeds.refresh();
      const [a, b] = feeds.health();
      expect(a).toMatchObject({ feeds: ['v1/feeds/water/dup-site'] });
      expect(b).toMatchObject({ feeds: [] });
      expect(b!.warnings[0]).toBe('v1/feeds/water/dup-site is published by source a; skipped here');
      const { msgs } = await subscriber();
      await waitFor(() => msgs.some((m) => m.topic === 'v1/feeds/water/dup-site'));
      expect(JSON.parse(msgs.find((m) => m.topic === 'v1/feeds/water/dup-site')!.payload).waterTempC).toBe(
        17,
      );
    } finally {
      await feeds.stop();
    }
  });
});

describe('the parse worker', () => {
  it('a parse that exceeds its time limit fails that source, restarts the worker, and publishes nothing', async () => {
    const sub = await mkdtemp(path.join(dir, 'slow-'));
    await writeFile(path.join(sub, 'a.json'), beaches(17));
    await writeFile(
      path.join(sub, 'feeds.json'),
      JSON.stringify({
        version: 1,
        sources: [{ id: 'slow', kind: 'water', format: 'bathing-water', input: { file: 'a.json' } }],
      }),
    );
    const feeds = await startFeeds({
      configFile: path.join(sub, 'feeds.json'),
      bus: broker.bus,
      log: silentLogger(),
      registry: new Registry(),
      parseTimeoutMs: 1,
    });
    try {
      await feeds.refresh();
      const [h] = feeds.health();
      expect(h!.lastError).toMatch(/parsing took longer than 0.001 s; the parse worker was restarted/);
      expect(h!.publishes).toBe(0);
    } finally {
      await feeds.stop();
    }
  });
});

describe('the shipped demo configuration (content/feeds.json)', () => {
  it('publishes the documented demo ids without network', async () => {
    const feeds = await startFeeds({
      configFile: path.join(REPO_ROOT, 'content/feeds.json'),
      bus: broker.bus,
      log: silentLogger(),
      registry: new Registry(),
      initialWaitMs: 30_000,
    });
    try {
      const { msgs } = await subscriber();
      const want = [
        topics.feed('transport', 'raadhuspladsen'),
        topics.feed('transport', 'nyhavn'),
        topics.feed('water', 'islands-brygge'),
        topics.feed('water', 'fisketorvet'),
        topics.feed('water', 'sandkaj'),
        topics.feed('parking', 'israels-plads'),
        topics.feed('parking', 'industriens-hus'),
        topics.feed('parking', 'nyhavn-street'),
        topics.feed('parking', 'fisketorvet'),
        topics.feed('events', 'copenhagen'),
      ];
      await waitFor(() => want.every((t) => msgs.some((m) => m.topic === t)), 10_000);
      for (const m of msgs.filter((x) => want.includes(x.topic))) {
        const s = FeedSnapshotSchema.parse(JSON.parse(m.payload));
        expect(s.demo).toBe(true);
      }
      expect(feeds.health().every((h) => h.consecutiveFailures === 0 && h.demo)).toBe(true);
    } finally {
      await feeds.stop();
    }
  });
});
