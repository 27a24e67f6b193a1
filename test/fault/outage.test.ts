import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { transportSnapshot, waterSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import { type FeedSnapshot, freshnessOf } from '../../protocol/index.ts';
import { Admin, publishFeed, startRealServer, until } from '../integration/agent-harness.ts';
import { TcpProxy } from './support/tcp-proxy.ts';

/**
 * A screen behind a loopback TCP proxy to the broker that cuts, refuses, delays and drops: the
 * screen keeps its data with the right freshness markers and never goes blank; it resyncs when
 * the link comes back. Then the server (and its broker) restarts while campaigns are being
 * created: the screen ends up with every acknowledged campaign.
 */
const TTL_S = 2;
let dir: string;
let server: StanderServer;
let ports: { httpPort: number; mqttPort: number };
let proxy: TcpProxy;
let agent: AgentHandle;
let admin: Admin;
let lastTransport: FeedSnapshot;
let shown: { observedAt: string; ttlS: number };
const figures = {
  samples: 0,
  blankSamples: 0,
  wrongMarkers: 0,
  cuts: 0,
  outageMs: 0,
  resyncMs: [] as number[],
};

function blank(s: KioskState): boolean {
  return s.config === null || s.playlist.items.length === 0 || s.feeds.water['bath-1'] === undefined;
}

/** Samples the screen every 50 ms while `during` runs: never blank, freshness marker as the rule says. */
async function watch(during: () => Promise<void>): Promise<void> {
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      const s = agent.getState();
      const t = Date.now();
      figures.samples++;
      if (blank(s)) figures.blankSamples++;
      const marker = s.feedFreshness?.transport['stop-1'];
      // The snapshot the screen holds (an expired one may be hidden from feeds: the last one shown).
      shown = s.feeds.transport['stop-1'] ?? shown;
      // Allow the 1 s tick either side of a boundary.
      const a = freshnessOf(shown, t - 1200).state;
      const b = freshnessOf(shown, t + 1200).state;
      if (a === b && marker !== a) figures.wrongMarkers++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await during();
  } finally {
    stop = true;
    await sampler;
  }
}

async function pushTransport(): Promise<void> {
  lastTransport = transportSnapshot('stop-1', Date.now(), TTL_S);
  await publishFeed(server, lastTransport);
}

const hasCurrentTransport = () =>
  agent.getState().feeds.transport['stop-1']?.observedAt === lastTransport.observedAt &&
  agent.getState().feedFreshness?.transport['stop-1'] === 'fresh';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-outage-'));
  server = await startRealServer(join(dir, 'server'));
  ports = { httpPort: server.httpPort, mqttPort: server.mqttPort as number };
  proxy = new TcpProxy({ targetPort: ports.mqttPort });
  await proxy.listen();
  admin = await Admin.login(server.httpUrl);
  const screen = await admin.createScreen({
    name: 'Outage kiosk',
    profile: 'street-kiosk',
    location: { lat: 55.68, lon: 12.57 },
    feeds: { transport: ['stop-1'], water: ['bath-1'] },
  });
  await admin.createCampaign({
    name: 'Always',
    target: { all: true },
    slides: [{ kind: 'text', title: { en: 'always' }, durationS: 5 }],
  });
  await publishFeed(server, waterSnapshot('bath-1', Date.now(), 3600));
  await pushTransport();
  agent = await startAgent({
    screenId: screen.id,
    token: screen.token,
    serverUrl: server.httpUrl,
    mqttUrl: `mqtt://127.0.0.1:${proxy.port}`,
    cacheDir: join(dir, 'cache'),
    uiPort: null,
    hardware: new SimulatedHardware(),
    log: silentLogger,
    tickMs: 100,
    reconnect: { minMs: 100, maxMs: 500 },
  });
  await until(() => !blank(agent.getState()) && hasCurrentTransport(), 10_000, 'first sync');
  shown = lastTransport;
});

afterAll(async () => {
  console.info(
    `FIGURES outage: cuts=${proxy?.stats.cuts} refused=${proxy?.stats.refused} samples=${figures.samples} blank=${figures.blankSamples} wrongMarkers=${figures.wrongMarkers} resyncMs=${figures.resyncMs.join(',')}`,
  );
  const t = (what: string, p: Promise<unknown> | undefined) =>
    Promise.race([p, new Promise((r) => setTimeout(() => r(console.warn(`${what} close slow`)), 10_000))]);
  await t('agent', agent?.close());
  await t('proxy', proxy?.close());
  await t('server', server?.close());
  await rm(dir, { recursive: true, force: true });
});

async function resync(): Promise<void> {
  await pushTransport();
  const t0 = Date.now();
  await until(hasCurrentTransport, 8000, 'resync after the link came back');
  figures.resyncMs.push(Date.now() - t0);
}

describe('network outages between a screen and the broker', () => {
  it('cut and refused for 10 s: data kept, transport goes stale then expired, resync after', async () => {
    await watch(async () => {
      proxy.setMode('refuse');
      proxy.cutAll();
      await until(() => !agent.getState().connection.online, 3000, 'offline');
      // Updates the screen cannot get meanwhile.
      await publishFeed(server, transportSnapshot('stop-1', Date.now(), TTL_S));
      await until(() => agent.getState().feedFreshness?.transport['stop-1'] === 'stale', 5000, 'stale');
      await new Promise((r) => setTimeout(r, 7000));
      expect(agent.getState().feedFreshness?.transport['stop-1']).toBe('expired');
      proxy.setMode('pass');
      await resync();
    });
    expect(figures.blankSamples).toBe(0);
    expect(figures.wrongMarkers).toBe(0);
  });

  it('traffic delayed by 400 ms each way: still current', async () => {
    await watch(async () => {
      proxy.setDelay(400);
      const t0 = Date.now();
      await pushTransport();
      await until(hasCurrentTransport, 5000, 'update through the delay');
      const ms = Date.now() - t0;
      console.info(`delayed link: update arrived after ${ms} ms`);
      expect(ms).toBeGreaterThanOrEqual(350);
      proxy.setDelay(0);
    });
    expect(figures.blankSamples).toBe(0);
  });

  it('bytes dropped (blackhole) then the connection dies: data kept, resync after', async () => {
    await watch(async () => {
      proxy.setMode('blackhole');
      await pushTransport(); // lost in the hole
      await new Promise((r) => setTimeout(r, 3000));
      proxy.cutAll();
      proxy.setMode('pass');
      await resync();
    });
    expect(figures.blankSamples).toBe(0);
    expect(figures.wrongMarkers).toBe(0);
  });

  it('flapping: 10 cuts 300 ms apart, never blank, current at the end', async () => {
    await watch(async () => {
      for (let i = 0; i < 10; i++) {
        proxy.cutAll();
        await new Promise((r) => setTimeout(r, 300));
      }
      await resync();
    });
    expect(figures.blankSamples).toBe(0);
  });

  it('the server and its broker restart while campaigns are being created: no campaign lost', async () => {
    const acked = new Set<string>();
    let stop = false;
    let n = 0;
    const writer = (async () => {
      while (!stop) {
        try {
          const a = await Admin.login(server.httpUrl);
          while (!stop) {
            const c = await a.createCampaign({
              name: `Pushed ${n}`,
              target: { all: true },
              slides: [{ kind: 'text', title: { en: `pushed ${n++}` }, durationS: 5 }],
            });
            acked.add(c.id);
          }
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // the server is restarting
        }
      }
    })();
    await until(() => acked.size >= 5, 10_000, 'campaigns flowing');
    await server.close();
    const during = acked.size;
    server = await startRealServer(join(dir, 'server'), ports);
    await until(() => acked.size >= during + 5, 10_000, 'campaigns flowing after the restart');
    stop = true;
    await writer;
    const t0 = Date.now();
    await until(
      () => {
        const have = new Set(agent.getState().playlist.items.map((i) => i.campaignId));
        return [...acked].every((id) => have.has(id));
      },
      15_000,
      'every acknowledged campaign on the screen',
    );
    console.info(
      `FIGURES broker-restart: campaigns acknowledged=${acked.size} on screen=${acked.size} (${during} before the restart), complete ${Date.now() - t0} ms after the last write`,
    );
  });
});
