import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { ZodType } from 'zod';
import { registry } from '../../control-server/metrics.ts';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import {
  CampaignSchema,
  CommandResultSchema,
  CommandSchema,
  decodePayload,
  HealthSchema,
  PlaysSchema,
  ScreenConfigSchema,
  StatusSchema,
  TransportSnapshotSchema,
  topics,
} from '../../protocol/index.ts';
import { samplePayloads } from '../../protocol/samples.ts';
import { Admin, startRealServer, until } from '../integration/agent-harness.ts';
import { hostilePayload, rng } from '../fault/support/fuzz.ts';

/**
 * Seeded hostile MQTT payloads on every topic the server reads from a screen (status, health,
 * plays, cmd/result, published by a real screen identity through the embedded broker) and every
 * topic a screen reads (its config and cmd, a campaign, a feed it shows, published by the server's
 * bus to a running agent). Each payload the protocol rejects must be counted exactly once
 * (server: stander_invalid_messages_total; agent: invalidMessages in health), the valid ones must
 * not be, and both sides must still work afterwards. Shared by the default run and the soak.
 */
export interface FuzzFigures {
  seed: number;
  sent: number;
  serverSent: number;
  serverRejectedExpected: number;
  serverCounted: number;
  agentSent: number;
  agentRejectedExpected: number;
  agentCounted: number;
  oversized: number;
}

async function invalidTotal(): Promise<number> {
  const m = await registry.getSingleMetric('stander_invalid_messages_total')?.get();
  return (m?.values ?? []).reduce((a, v) => a + v.value, 0);
}

const FEED_ID = '8600626';
const CAMPAIGN_ID = 'fuzz-campaign';

export async function runMqttFuzz(count: number, seed = 20261126): Promise<FuzzFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'stander-fuzz-'));
  const r = rng(seed);
  const s = samplePayloads();
  const server = await startRealServer(join(dir, 'server'));
  let agent: AgentHandle | null = null;
  const figures: FuzzFigures = {
    seed,
    sent: 0,
    serverSent: 0,
    serverRejectedExpected: 0,
    serverCounted: 0,
    agentSent: 0,
    agentRejectedExpected: 0,
    agentCounted: 0,
    oversized: 0,
  };
  try {
    const admin = await Admin.login(server.httpUrl);
    const sender = await admin.createScreen({
      name: 'Fuzzer',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
    });
    const target = await admin.createScreen({
      name: 'Fuzzed',
      profile: 'street-kiosk',
      location: { lat: 55.68, lon: 12.57 },
      feeds: { transport: [FEED_ID] },
    });

    // --- the server's inputs, from a screen identity ---
    const serverTopics: Array<{ topic: string; schema: ZodType; sample: unknown }> = [
      { topic: topics.screenStatus(sender.id), schema: StatusSchema, sample: s.status },
      { topic: topics.screenHealth(sender.id), schema: HealthSchema, sample: s.health },
      { topic: topics.screenPlays(sender.id), schema: PlaysSchema, sample: s.plays },
      { topic: topics.screenCmdResult(sender.id), schema: CommandResultSchema, sample: s['command-result'] },
    ];
    const client = await mqtt.connectAsync(server.mqttUrl, {
      username: sender.id,
      password: sender.token,
      clientId: sender.id,
      reconnectPeriod: 0,
    });
    const before = await invalidTotal();
    const half = Math.ceil(count / 2);
    for (let i = 0; i < half; i++) {
      const t = serverTopics[i % serverTopics.length]!;
      const payload = hostilePayload(r, t.sample);
      if (payload.length > 1024 * 1024) figures.oversized++;
      if (!decodePayload(t.schema, payload).ok) figures.serverRejectedExpected++;
      // QoS 1: the PUBACK comes after the broker's check, so the count is settled when it resolves.
      await client.publishAsync(t.topic, payload, { qos: 1 });
      figures.serverSent++;
    }
    figures.serverCounted = (await invalidTotal()) - before;
    // Still serving: a valid status from the same connection lands in presence.
    await client.publishAsync(
      topics.screenStatus(sender.id),
      JSON.stringify({ ...s.status, at: new Date().toISOString(), contentVersion: 'after-fuzz' }),
      { qos: 1, retain: true },
    );
    await until(
      async () => {
        const res = await admin.call<Record<string, unknown>>('GET', `/api/v1/screens/${sender.id}`);
        return JSON.stringify(res).includes('after-fuzz');
      },
      5000,
      'the valid status after the fuzz',
      50,
    );
    await client.endAsync(true);

    // --- a screen's inputs, from the server's bus to a running agent ---
    agent = await startAgent({
      screenId: target.id,
      token: target.token,
      serverUrl: server.httpUrl,
      mqttUrl: server.mqttUrl,
      cacheDir: join(dir, 'screen-cache'),
      uiPort: null,
      hardware: new SimulatedHardware(),
      log: silentLogger,
      tickMs: 200,
    });
    const a = agent;
    await until(() => a.getState().config?.feeds.transport.includes(FEED_ID), 10_000, 'the agent config');
    const config = a.getState().config;
    const configSample = { ...s['screen-config'], screenId: target.id, feeds: config?.feeds };
    const agentTopics: Array<{ topic: string; check: (p: Buffer) => boolean; sample: unknown }> = [
      {
        topic: topics.screenCmd(target.id),
        check: (p) => decodePayload(CommandSchema, p).ok,
        sample: s.command,
      },
      {
        topic: topics.campaign(CAMPAIGN_ID),
        // An empty payload on a campaign topic is a valid deletion.
        check: (p) => {
          if (p.length === 0) return true;
          const d = decodePayload(CampaignSchema, p);
          return d.ok && d.value.id === CAMPAIGN_ID;
        },
        sample: { ...s.campaign, id: CAMPAIGN_ID },
      },
      {
        topic: topics.feed('transport', FEED_ID),
        check: (p) => {
          const d = decodePayload(TransportSnapshotSchema, p);
          return d.ok && d.value.stopId === FEED_ID;
        },
        sample: { ...s['feed-transport'], stopId: FEED_ID },
      },
    ];
    const agentBefore = a.core.invalidMessages;
    const agentCount = count - half;
    // The config topic goes last: a valid mutated config may change which feeds the agent keeps.
    const configShare = Math.floor(agentCount / 4);
    for (let i = 0; i < agentCount; i++) {
      const isConfig = i >= agentCount - configShare;
      const t = isConfig
        ? {
            topic: topics.screenConfig(target.id),
            check: (p: Buffer) => {
              // An empty config is the server clearing a removed screen's retained config: not invalid.
              if (p.length === 0) return true;
              const d = decodePayload(ScreenConfigSchema, p);
              return d.ok && d.value.screenId === target.id;
            },
            sample: configSample,
          }
        : agentTopics[i % agentTopics.length]!;
      const payload = hostilePayload(r, t.sample);
      if (payload.length > 1024 * 1024) figures.oversized++;
      if (!t.check(payload)) figures.agentRejectedExpected++;
      await server.bus.publish(t.topic, payload, { qos: 1, retain: false });
      figures.agentSent++;
    }
    // About 10 % of the payloads are over 1 MiB: the agent may need a while to parse them all.
    await until(
      () => a.core.invalidMessages - agentBefore >= figures.agentRejectedExpected,
      Math.max(20_000, agentCount * 40),
      'the agent to count every invalid payload',
      20,
    ).catch(() => undefined);
    // Settle: nothing more may be counted than was invalid.
    await new Promise((res) => setTimeout(res, 300));
    figures.agentCounted = a.core.invalidMessages - agentBefore;
    figures.sent = figures.serverSent + figures.agentSent;
    // The agent still works: its health reports the count and it still takes a valid campaign.
    const h = await a.health();
    if (h.invalidMessages < figures.agentCounted) throw new Error('health does not report invalid messages');
    await admin.createCampaign({
      name: 'After the fuzz',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: 'still alive' }, durationS: 5 }],
    });
    await until(
      () => a.getState().playlist.items.some((x) => JSON.stringify(x).includes('still alive')),
      10_000,
      'a valid campaign after the fuzz',
    );
    return figures;
  } finally {
    await agent?.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
