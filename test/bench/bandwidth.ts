import net from 'node:net';
import { fileURLToPath } from 'node:url';
import mqttPacket from 'mqtt-packet';
import {
  CampaignSchema,
  type FeedKind,
  PlaysSchema,
  StatusSchema,
  encodePayload,
  parseTopic,
  topics,
} from '../../protocol/index.ts';
import type { BenchOptions, BenchResult, Goal } from './results.ts';
import { DEFAULT_BEHAVIOUR, Fleet } from './sim/fleet.ts';
import { LiteClient } from './sim/lite-client.ts';
import { SimScreen } from './sim/screen.ts';
import { round } from './sim/stats.ts';
import { simulateFeedDay } from './sim/feed-day.ts';
import { benchCampaign, startServerTarget } from './sim/targets.ts';
import { KEEPALIVE_S } from '../../kiosk/agent/connection.ts';

/**
 * Benchmark 6, bandwidth: bytes per screen per day, both directions, for a parking post and a street
 * kiosk at the demo feed rates (content/feeds.json), from message sizes measured on a running server.
 * Baseline: the same information fetched by HTTP polling every 60 s, with request and response
 * header sizes measured on a real request to the same server.
 */
const FEEDS_FILE = fileURLToPath(new URL('../../content/feeds.json', import.meta.url));
const DAY_S = 86_400;
const HEALTH_S = 30;
const PLAYS_S = 60;
const CAMPAIGN_CHANGES_PER_DAY = 20;
const RECONNECTS_PER_DAY = 1;
const POLL_S = 60;
/** IPv4 + TCP (with timestamps) per segment, what a mobile data plan counts. */
const TCP_OVERHEAD = 52;

type Feeds = Record<FeedKind, string[]>;
/** One kind of exchange: its rate, MQTT bytes each way, and its TCP segments (pure ACK included). */
type Line = { what: string; perDay: number; inBytes: number; outBytes: number; segments: number };

function publishSize(topic: string, payload: Buffer, qos: 0 | 1): number {
  return mqttPacket.generate({
    cmd: 'publish',
    topic,
    payload,
    qos,
    retain: false,
    dup: false,
    ...(qos ? { messageId: 1 } : {}),
  }).length;
}
const PUBACK = 4;
const PING = 2;

/** Bytes of one real HTTP/1.1 keep-alive request and its response, through a counting TCP proxy. */
async function httpOverhead(
  target: string,
  path: string,
  auth: string,
): Promise<{ request: number; responseHeaders: number }> {
  const url = new URL(target);
  let up = 0;
  let down = 0;
  const proxy = net.createServer((c) => {
    const s = net.connect(Number(url.port), url.hostname);
    c.on('data', (d) => {
      up += d.length;
      s.write(d);
    });
    s.on('data', (d) => {
      down += d.length;
      c.write(d);
    });
    c.on('close', () => s.destroy());
    s.on('close', () => c.destroy());
    c.on('error', () => s.destroy());
    s.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as net.AddressInfo).port;
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { authorization: auth, accept: 'application/json', 'user-agent': 'stander-kiosk/0.1' },
    });
    const body = Buffer.from(await res.arrayBuffer());
    await new Promise((r) => setTimeout(r, 100));
    return { request: up, responseHeaders: down - body.length };
  } finally {
    proxy.close();
  }
}

function sum(lines: Line[]): { inBytes: number; outBytes: number } {
  return lines.reduce(
    (a, l) => ({ inBytes: a.inBytes + l.perDay * l.inBytes, outBytes: a.outBytes + l.perDay * l.outBytes }),
    { inBytes: 0, outBytes: 0 },
  );
}

const MB = 1024 * 1024;

export async function run(opts: BenchOptions): Promise<BenchResult> {
  // What the real poller publishes in a simulated day (it skips unchanged snapshots).
  const hours = opts.quick ? 0.25 : 1;
  opts.log(`  running the demo feeds through ${hours} simulated hour(s)...`);
  const traffic = await simulateFeedDay(FEEDS_FILE, hours);
  const t = await startServerTarget({
    count: 0,
    external: false,
    log: opts.log,
    options: { feeds: true, feedsConfig: FEEDS_FILE },
  });
  const rest = t.rest;
  if (!rest || !t.server) throw new Error('no server');
  const fleet = new Fleet(1);
  try {
    // Every retained snapshot the demo feeds publish, with its exact size.
    const probe = await rest.createScreen({
      id: 'bw-probe',
      name: 'probe',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
    });
    const snapshots = new Map<string, Buffer>();
    const pc = await LiteClient.connect({
      host: t.host,
      port: t.port,
      clientId: probe.id,
      username: probe.id,
      password: probe.token ?? '',
      onMessage: (m) => {
        if (m.payload.length) snapshots.set(m.topic, m.payload);
      },
    });
    await pc.subscribe([{ topic: 'v1/feeds/#', qos: 1 }]);
    await new Promise((r) => setTimeout(r, 1000));
    await pc.end();
    const available: Feeds = { transport: [], parking: [], water: [], events: [] };
    for (const topic of traffic.keys()) {
      const p = parseTopic(topic);
      if (p?.kind === 'feed') available[p.feed].push(p.id);
    }
    if (snapshots.size === 0) throw new Error('the demo feeds published nothing');

    const profiles: { name: 'parking-post' | 'street-kiosk'; feeds: Feeds }[] = [
      // A parking post shows its zone and the neighbouring ones, and campaigns.
      {
        name: 'parking-post',
        feeds: { transport: [], parking: available.parking.slice(0, 3), water: [], events: [] },
      },
      // A street kiosk shows everything near it.
      {
        name: 'street-kiosk',
        feeds: {
          transport: available.transport.slice(0, 2),
          parking: available.parking.slice(0, 3),
          water: available.water.slice(0, 2),
          events: available.events.slice(0, 1),
        },
      },
    ];
    const campaignPayload = encodePayload(CampaignSchema, {
      ...benchCampaign(1),
      id: 'bench-campaign',
      version: 1,
      updatedAt: new Date().toISOString(),
    });
    const screenToken = `Bearer bw-probe:${probe.token ?? ''}`;
    const http = await httpOverhead(t.server.httpUrl, `/content/${'0'.repeat(64)}`, screenToken);
    const rows: (string | number | null)[][] = [];
    const figures: Record<string, unknown> = {};
    const windowS = opts.quick ? 10 : 60;

    for (const prof of profiles) {
      const created = await rest.createScreen({
        id: `bw-${prof.name}`,
        name: prof.name,
        profile: prof.name,
        location: { lat: 55.68, lon: 12.57 },
        feeds: prof.feeds,
      });
      // Measured: the real connect + full retained sync, then a live window.
      const c = await fleet.connect([created], { ...DEFAULT_BEHAVIOUR, host: t.host, port: t.port });
      if (c.failed.length) throw new Error(`connect failed: ${c.failed[0]?.error}`);
      await new Promise((r) => setTimeout(r, 1500));
      const [afterConnect] = await fleet.stats([created.id]);
      await fleet.health(1 / HEALTH_S, windowS * 1000);
      const [afterWindow] = await fleet.stats([created.id]);
      if (!afterConnect || !afterWindow) throw new Error('no stats');

      const sim = new SimScreen(created, { ...DEFAULT_BEHAVIOUR, host: t.host, port: t.port });
      for (const topic of traffic.keys()) {
        const p = parseTopic(topic);
        if (p?.kind === 'feed' && prof.feeds[p.feed].includes(p.id))
          sim.feeds.set(topic, { fetchedAt: '', at: 0 });
      }
      sim.campaigns.set('bench-campaign', { version: 1, at: 0 });
      const health = sim.healthPayload();
      const status = encodePayload(StatusSchema, {
        state: 'online',
        at: new Date().toISOString(),
        appVersion: '0.1.0',
        contentVersion: 'c1-abcdef',
        campaigns: [{ id: 'bench-campaign', version: 1 }],
      });
      const plays = encodePayload(PlaysSchema, {
        batchId: 'b-20260523-1200',
        from: new Date().toISOString(),
        to: new Date().toISOString(),
        plays: [0, 1, 2].map((i) => ({
          campaignId: `campaign-${i}`,
          campaignVersion: 3,
          slideIndex: 0,
          count: 2,
          seconds: 20,
        })),
        views:
          prof.name === 'street-kiosk'
            ? [
                { view: 'home', count: 2 },
                { view: 'transport', count: 1 },
              ]
            : [],
        touches: prof.name === 'street-kiosk' ? 6 : 0,
      });
      const lines: Line[] = [];
      for (const kind of Object.keys(prof.feeds) as FeedKind[]) {
        for (const id of prof.feeds[kind]) {
          const topic = topics.feed(kind, id);
          const tr = traffic.get(topic);
          if (!tr) continue;
          // PUBLISH in, PUBACK out (carrying the ACK), a pure ACK for the PUBACK.
          lines.push({
            what: `feed ${kind}/${id}`,
            perDay: tr.perDay,
            inBytes: publishSize(topic, Buffer.alloc(Math.round(tr.meanBytes)), 1),
            outBytes: PUBACK,
            segments: 3,
          });
        }
      }
      // The client pings only when it sent nothing for a keep-alive period: health every 30 s
      // against the agent's 15 s keep-alive leaves one ping in each gap.
      const uplinkGapS = Math.min(HEALTH_S, PLAYS_S);
      lines.push(
        {
          what: 'health',
          perDay: DAY_S / HEALTH_S,
          inBytes: 0,
          outBytes: publishSize(topics.screenHealth(created.id), health, 0),
          segments: 2,
        },
        {
          what: 'plays',
          perDay: DAY_S / PLAYS_S,
          inBytes: PUBACK,
          outBytes: publishSize(topics.screenPlays(created.id), plays, 1),
          segments: 3,
        },
        {
          what: 'keep-alive ping',
          perDay: uplinkGapS > KEEPALIVE_S ? DAY_S / uplinkGapS : 0,
          inBytes: PING,
          outBytes: PING,
          segments: 3,
        },
        {
          what: 'campaign change + status',
          perDay: CAMPAIGN_CHANGES_PER_DAY,
          inBytes: publishSize(topics.campaign('bench-campaign'), campaignPayload, 1) + PUBACK,
          outBytes: PUBACK + publishSize(topics.screenStatus(created.id), status, 1),
          segments: 6,
        },
        {
          what: 'reconnect (full resync, measured)',
          perDay: RECONNECTS_PER_DAY,
          inBytes: afterConnect.bytesIn,
          outBytes: afterConnect.bytesOut,
          segments: 40,
        },
      );
      const mqtt = sum(lines);
      const mqttWire =
        mqtt.inBytes + mqtt.outBytes + lines.reduce((a, l) => a + l.perDay * l.segments * TCP_OVERHEAD, 0);

      // Baseline: GET every resource the screen needs every 60 s over one keep-alive connection.
      const resources = (Object.keys(prof.feeds) as FeedKind[]).flatMap((kind) =>
        prof.feeds[kind].flatMap((id) => {
          const tr = traffic.get(topics.feed(kind, id));
          return tr ? [{ body: tr.meanBytes, changesPerDay: tr.perDay }] : [];
        }),
      );
      resources.push({ body: campaignPayload.length, changesPerDay: CAMPAIGN_CHANGES_PER_DAY }); // campaigns
      resources.push({ body: 700, changesPerDay: 1 }); // own config
      const polls = DAY_S / POLL_S;
      const pollIn = resources.reduce((a, r) => a + polls * (http.responseHeaders + r.body), 0);
      const pollOut = resources.length * polls * http.request;
      // The same with conditional requests (ETag): unchanged resources cost a 304 with headers only.
      const condIn = resources.reduce(
        (a, r) => a + polls * http.responseHeaders + Math.min(polls, r.changesPerDay) * r.body,
        0,
      );
      // Uplink the screen still needs (health, plays) is the same either way: count it in both.
      const upExtra = lines
        .filter((l) => l.what === 'health' || l.what === 'plays')
        .reduce((a, l) => a + l.perDay * l.outBytes, 0);
      // Request, response (more segments for big bodies), and an ACK; health and plays as over MQTT.
      const upSegs = lines
        .filter((l) => l.what === 'health' || l.what === 'plays')
        .reduce((a, l) => a + l.perDay * l.segments, 0);
      const httpSegs = (bytes: number) => 2 + Math.ceil(bytes / 1400);
      const pollSegs = resources.reduce((a, r) => a + polls * httpSegs(r.body), 0) + upSegs;
      const condSegs =
        resources.reduce(
          (a, r) => a + polls * 3 + Math.min(polls, r.changesPerDay) * Math.ceil(r.body / 1400),
          0,
        ) + upSegs;
      const pollTotal = pollIn + pollOut + upExtra + pollSegs * TCP_OVERHEAD;
      const condTotal = condIn + pollOut + upExtra + condSegs * TCP_OVERHEAD;

      const measuredIn = afterWindow.bytesIn - afterConnect.bytesIn;
      const measuredOut = afterWindow.bytesOut - afterConnect.bytesOut;
      const modelWindow = lines
        .filter(
          (l) => !l.what.startsWith('reconnect') && !l.what.startsWith('campaign') && l.what !== 'plays',
        )
        .reduce((a, l) => a + (l.perDay / DAY_S) * windowS * (l.inBytes + l.outBytes), 0);
      opts.log(
        `  ${prof.name}: ${round((mqtt.inBytes + mqtt.outBytes) / MB, 2)} MB/day MQTT (${round(mqttWire / MB, 2)} on the wire), polling ${round(pollTotal / MB, 2)} MB/day; live window ${windowS} s: ${measuredIn + measuredOut} B measured, ${Math.round(modelWindow)} B modelled`,
      );
      figures[prof.name] = {
        mqttInMBPerDay: round(mqtt.inBytes / MB, 3),
        mqttOutMBPerDay: round(mqtt.outBytes / MB, 3),
        mqttMBPerDay: round((mqtt.inBytes + mqtt.outBytes) / MB, 3),
        wireMBPerDay: round(mqttWire / MB, 3),
        pollingMBPerDay: round(pollTotal / MB, 3),
        conditionalPollingMBPerDay: round(condTotal / MB, 3),
        ratioVsPolling: round(mqttWire / pollTotal, 3),
        feeds: prof.feeds,
        lines: lines.map((l) => ({ ...l, perDay: round(l.perDay, 1) })),
        window: {
          seconds: windowS,
          measuredBytes: measuredIn + measuredOut,
          modelledBytes: Math.round(modelWindow),
        },
      };
      rows.push([
        prof.name,
        round(mqtt.inBytes / MB, 2),
        round(mqtt.outBytes / MB, 2),
        round(mqttWire / MB, 2),
        round(pollTotal / MB, 2),
        round(condTotal / MB, 2),
        round(mqttWire / pollTotal, 2),
      ]);
    }
    const post = figures['parking-post'] as { wireMBPerDay: number } | undefined;
    const goals: Goal[] = [
      {
        what: 'parking post, both directions, on the wire',
        target: '≤ 5 MB/day',
        reached: post ? post.wireMBPerDay <= 5 : null,
      },
    ];
    return {
      name: 'bandwidth',
      title: 'Bandwidth per screen per day',
      guide: `Per screen and day, both directions. "MQTT in/out" count MQTT bytes (fixed headers, topics, payloads, PUBACKs, pings); "wire" adds ${TCP_OVERHEAD} B of IPv4+TCP per segment, pure ACKs included (what a mobile data plan bills). Feed traffic comes from running the real feed poller over the demo sources (content/feeds.json) through ${hours} simulated hour(s) with a moved clock, scaled to a day: it publishes only changed snapshots. The rest: health every ${HEALTH_S} s, proof of play every ${PLAYS_S} s, keep-alive pings where the uplink is idle for ${KEEPALIVE_S} s, ${CAMPAIGN_CHANGES_PER_DAY} campaign changes (each answered by a status) and ${RECONNECTS_PER_DAY} reconnect with a full resync a day (bytes measured on a real connect to the server). Baseline "HTTP polling": the same information fetched by GET every ${POLL_S} s (one request per feed, one for campaigns, one for the config, keep-alive connection, request and response header sizes measured on a real request to this server) plus the same health and plays uploads; "conditional" is the same with ETag/304. "ratio" is MQTT wire over HTTP polling (lower is better).`,
      summary: { ...figures, httpRequestBytes: http.request, httpResponseHeaderBytes: http.responseHeaders },
      table: {
        columns: [
          'profile',
          'MQTT in MB/day',
          'MQTT out MB/day',
          'MQTT wire MB/day',
          'HTTP polling MB/day',
          'conditional polling MB/day',
          'ratio',
        ],
        rows,
      },
      goals,
      notes: [
        `Feed sizes are the demo data's; a transport board with more departures grows proportionally. Feeds used: ${JSON.stringify(Object.fromEntries(profiles.map((p) => [p.name, p.feeds])))}.`,
      ],
    };
  } finally {
    await fleet.close();
    await t.stop();
  }
}
