import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StanderServer } from '../../control-server/server.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { encodePayload, filters, HealthSchema, StatusSchema, topics } from '../../protocol/index.ts';
import { samplePayloads } from '../../protocol/samples.ts';
import { Admin, startRealServer, until } from './agent-harness.ts';

/**
 * A campaign withdrawn while a screen is offline, then a server restart before the screen comes
 * back: the empty retained message was only queued in the embedded broker's in-memory session, so
 * it is gone. The server must notice the withdrawn campaign in the screen's report (status/health)
 * and publish the withdrawal again (control-server/fleet/withdrawals.ts).
 */

const campaign = (name: string) => ({
  name,
  priority: 'normal' as const,
  target: { groups: ['centre'] },
  slides: [{ kind: 'text' as const, title: { en: name }, durationS: 6 }],
});

const campaignIds = (a: AgentHandle) => new Set(a.getState().playlist.items.map((i) => i.campaignId));

/** stander_campaign_withdrawals_total{outcome} from GET /metrics (one registry per process: compare deltas). */
async function withdrawals(httpUrl: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('stander_campaign_withdrawals_total{') && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('a withdrawal missed across a server restart', () => {
  let dir: string;
  let server: StanderServer | null = null;
  let agent: AgentHandle | null = null;
  let screen: { id: string; token: string };
  let ports: { httpPort: number; mqttPort: number };
  let a: string;
  let b: string;

  const launch = () =>
    startAgent({
      screenId: screen.id,
      token: screen.token,
      serverUrl: `http://127.0.0.1:${ports.httpPort}`,
      mqttUrl: `mqtt://127.0.0.1:${ports.mqttPort}`,
      cacheDir: join(dir, 'screen-cache'),
      uiPort: 0,
      rendererDir: join(dir, 'no-renderer'),
      hardware: new SimulatedHardware(),
      log: silentLogger,
      tickMs: 100,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stander-withdrawal-'));
    server = await startRealServer(join(dir, 'server'));
    ports = { httpPort: server.httpPort, mqttPort: server.mqttPort! };
    const admin = await Admin.login(server.httpUrl);
    screen = await admin.createScreen({
      name: 'Torvet kiosk',
      profile: 'street-kiosk',
      location: { lat: 55.6761, lon: 12.5683 },
      groups: ['centre'],
    });
    ({ id: a } = await admin.createCampaign(campaign('Campaign A')));
    ({ id: b } = await admin.createCampaign(campaign('Campaign B')));
  });

  afterAll(async () => {
    await agent?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('drops the campaign deleted while it was offline, keeps the other', async () => {
    agent = await launch();
    await until(() => campaignIds(agent!).size === 2, 20_000, 'screen plays A and B');
    await agent.close();
    agent = null;

    const admin = await Admin.login(server!.httpUrl);
    await admin.call('DELETE', `/api/v1/campaigns/${a}`);
    await server!.close();
    server = await startRealServer(join(dir, 'server'), ports);
    const publishedBefore = await withdrawals(server.httpUrl, 'published');

    agent = await launch();
    // From its cache, before any network: still both (that is what it last knew).
    expect(campaignIds(agent)).toEqual(new Set([a, b]));
    await until(() => agent!.getState().connection.online, 20_000, 'agent back online');
    const t0 = performance.now();
    await until(() => !campaignIds(agent!).has(a), 10_000, 'campaign A withdrawn on the screen');
    console.log(
      `[agent-withdrawal] campaign deleted while offline, server restarted: gone from the screen ` +
        `${Math.round(performance.now() - t0)} ms after it was back online`,
    );
    expect(campaignIds(agent)).toEqual(new Set([b]));
    // B is still retained on the broker: the withdrawal went to A's topic only.
    expect(server.store.getCampaign(b)).not.toBeNull();
    expect(await withdrawals(server.httpUrl, 'published')).toBeGreaterThan(publishedBefore);

    // Gone from its disk cache too: restarted with no server, it comes up with B only.
    await agent.close();
    agent = null;
    await server.close();
    server = null;
    agent = await launch();
    expect(agent.getState().connection.online).toBe(false);
    expect(campaignIds(agent)).toEqual(new Set([b]));
  });

  it('never withdraws a live campaign, and a screen listing made-up ids is rate-limited', async () => {
    await agent?.close();
    agent = null;
    server = await startRealServer(join(dir, 'server'), ports);
    const admin = await Admin.login(server.httpUrl);
    const location = { lat: 55.6761, lon: 12.5683 };
    const liar = await admin.createScreen({ name: 'Liar', profile: 'street-kiosk', location });
    const watcher = await admin.createScreen({ name: 'Watcher', profile: 'street-kiosk', location });

    const limitedBefore = await withdrawals(server.httpUrl, 'screen_limited');
    const cooldownBefore = await withdrawals(server.httpUrl, 'cooldown');
    const cleared: string[] = [];
    const w = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, {
      clientId: watcher.id,
      username: watcher.id,
      password: watcher.token,
      clean: true,
    });
    w.on('message', (topic, payload) => {
      if (payload.length === 0) cleared.push(topic);
    });
    await w.subscribeAsync(filters.allCampaigns, { qos: 1 });

    const l = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, {
      clientId: liar.id,
      username: liar.id,
      password: liar.token,
      clean: true,
    });
    const bogus = Array.from({ length: 300 }, (_, i) => ({ id: `made-up-${i}`, version: 1 }));
    const status = encodePayload(StatusSchema, {
      state: 'online',
      at: new Date().toISOString(),
      campaigns: [{ id: b, version: 1 }, ...bogus].slice(0, 1000),
    });
    // An offline status (a last will, built at connect time) is not acted on: processed in order,
    // before the online reports below, it would have taken the screen's budget with ghost ids.
    const offline = encodePayload(StatusSchema, {
      state: 'offline',
      at: new Date().toISOString(),
      campaigns: Array.from({ length: 60 }, (_, i) => ({ id: `ghost-${i}`, version: 1 })),
    });
    await l.publishAsync(topics.screenStatus(liar.id), offline, { qos: 1, retain: true });
    for (let i = 0; i < 3; i++)
      await l.publishAsync(topics.screenStatus(liar.id), status, { qos: 1, retain: true });
    // A campaign the store still has is on the list too: it must never be cleared.
    await until(() => cleared.length >= 50, 15_000, 'the first withdrawals');
    await new Promise((r) => setTimeout(r, 1500));
    await l.endAsync();
    const fromLiar = [...cleared];

    // Health reports count too, and another screen has its own budget.
    const health = {
      ...samplePayloads().health,
      at: new Date().toISOString(),
      campaigns: [{ id: 'via-health', version: 3 }],
    };
    await w.publishAsync(
      topics.screenHealth(watcher.id),
      encodePayload(HealthSchema, HealthSchema.parse(health)),
      { qos: 1 },
    );
    await until(
      () => cleared.includes(topics.campaign('via-health')),
      15_000,
      'withdrawal from a health report',
    );
    await w.endAsync();
    cleared.splice(0, cleared.length, ...fromLiar);

    // The default policy lets one screen cause 50 at once (+1 per 10 s).
    expect(cleared.length).toBeGreaterThanOrEqual(50);
    expect(cleared.length).toBeLessThanOrEqual(52);
    expect(new Set(cleared).size).toBe(cleared.length);
    expect(cleared).not.toContain(topics.campaign(b));
    // The rest was refused and counted: of 3 reports x 300 made-up ids, 50-52 went out; the repeats
    // of those are in their cool-down, the others over the screen's limit.
    expect((await withdrawals(server.httpUrl, 'screen_limited')) - limitedBefore).toBeGreaterThanOrEqual(
      3 * (300 - 52),
    );
    expect((await withdrawals(server.httpUrl, 'cooldown')) - cooldownBefore).toBeGreaterThanOrEqual(2 * 50);
    expect(cleared.every((t) => /^v1\/campaigns\/made-up-\d+$/.test(t))).toBe(true);

    // B is still retained: a newcomer receives it.
    const n = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqttPort}`, {
      clientId: `${watcher.id}:late`,
      username: watcher.id,
      password: watcher.token,
      clean: true,
    });
    const got = new Promise<Buffer>((resolve) =>
      n.on('message', (topic, payload) => {
        if (topic === topics.campaign(b)) resolve(payload);
      }),
    );
    await n.subscribeAsync(topics.campaign(b), { qos: 1 });
    const payload = await Promise.race([got, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    await n.endAsync();
    expect(payload?.length ?? 0).toBeGreaterThan(0);
  });
});
