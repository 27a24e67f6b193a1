import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { CampaignSchema, filters, parseTopic, topics } from '../../protocol/index.ts';
import { samplePayloads } from '../../protocol/samples.ts';
import {
  killAllServerProcesses,
  login,
  postJson,
  type ServerProcess,
  startServerProcess,
} from './support/server-process.ts';

/**
 * kill -9 of the real server process at random moments while REST writes (campaign creations and
 * updates from four writers) and screen traffic (status, health, plays from a connected screen)
 * run. After each kill: db.json parses and holds every acknowledged write; after each restart the
 * API lists them and a fresh MQTT subscriber receives every acknowledged campaign retained, at its
 * acknowledged version. Shared by the short default run and the 100-kill soak.
 */
const PASSWORD = 'fault-kill9-admin-password';

export interface KillFigures {
  kills: number;
  acknowledged: number;
  updatesAcknowledged: number;
  presentInDb: number;
  presentInApi: number;
  retainedSeen: number;
  missing: string[];
  screenMessagesSent: number;
  restartMs: number[];
}

async function retainedVersions(
  mqttUrl: string,
  screen: { id: string; token: string },
  expected: Map<string, number>,
): Promise<Map<string, number>> {
  const c = await mqtt.connectAsync(mqttUrl, {
    username: screen.id,
    password: screen.token,
    clientId: screen.id,
    reconnectPeriod: 0,
    clean: true,
  });
  const seen = new Map<string, number>();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      const complete = () => [...expected].every(([id, v]) => (seen.get(id) ?? 0) >= v);
      c.on('message', (topic, payload, packet) => {
        const t = parseTopic(topic);
        if (t?.kind !== 'campaign' || !packet.retain || payload.length === 0) return;
        seen.set(t.id, CampaignSchema.parse(JSON.parse(payload.toString())).version);
        if (complete()) {
          clearTimeout(timer);
          resolve();
        }
      });
      void c.subscribeAsync(filters.allCampaigns, { qos: 1 }).then(() => {
        if (expected.size === 0) resolve();
      });
    });
  } finally {
    await c.endAsync(true);
  }
  return seen;
}

/** A screen that keeps publishing status, health and plays, reconnecting through the kills. */
function screenTraffic(mqttUrl: () => string, screen: { id: string; token: string }) {
  const s = samplePayloads();
  let sent = 0;
  let stop = false;
  let client: MqttClient | null = null;
  const loop = (async () => {
    while (!stop) {
      try {
        client = await mqtt.connectAsync(mqttUrl(), {
          username: screen.id,
          password: screen.token,
          clientId: screen.id,
          reconnectPeriod: 0,
          connectTimeout: 2000,
        });
        const c = client;
        // A publish whose connection died with the server never settles: bound it.
        const pub = (topic: string, body: unknown, qos: 0 | 1, retain = false) =>
          Promise.race([
            c.publishAsync(topic, JSON.stringify(body), { qos, retain }),
            new Promise((_, reject) => setTimeout(() => reject(new Error('publish timeout')), 2000)),
          ]);
        while (!stop && c.connected) {
          const at = new Date().toISOString();
          await pub(topics.screenStatus(screen.id), { ...s.status, at }, 1, true);
          await pub(topics.screenHealth(screen.id), { ...s.health, at }, 0);
          await pub(topics.screenPlays(screen.id), s.plays, 1);
          sent += 3;
          await new Promise((r) => setTimeout(r, 20));
        }
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        client?.end(true);
        client = null;
      }
    }
  })();
  return {
    sent: () => sent,
    stop: async () => {
      stop = true;
      client?.end(true);
      await loop;
    },
  };
}

export async function runServerKills(
  kills: number,
  log: (line: string) => void = console.info,
): Promise<KillFigures> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stander-fault-kill9-'));
  const figures: KillFigures = {
    kills: 0,
    acknowledged: 0,
    updatesAcknowledged: 0,
    presentInDb: 0,
    presentInApi: 0,
    retainedSeen: 0,
    missing: [],
    screenMessagesSent: 0,
    restartMs: [],
  };
  let server: ServerProcess | null = null;
  try {
    server = await startServerProcess(dataDir, { adminPassword: PASSWORD });
    let token = await login(server.http, 'admin', PASSWORD);
    const sr = await postJson(`${server.http}/api/v1/screens`, token, {
      name: 'Watcher',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
    });
    if (sr.status !== 201) throw new Error(`screen: ${sr.status}`);
    const screen = sr.body as { id: string; token: string };
    // The traffic comes from a second screen: one client id per screen, or they would take over each other.
    const tr = await postJson(`${server.http}/api/v1/screens`, token, {
      name: 'Talker',
      profile: 'street-kiosk',
      location: { lat: 55.68, lon: 12.57 },
    });
    if (tr.status !== 201) throw new Error(`screen: ${tr.status}`);
    const talker = tr.body as { id: string; token: string };
    // id -> highest version acknowledged (201 on create = 1, 200 on update = its version)
    const acked = new Map<string, number>();
    let current = server;
    const traffic = screenTraffic(() => current.mqttUrl, talker);

    for (let round = 0; round < kills; round++) {
      let stop = false;
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const ids = [...acked.keys()];
            if (ids.length > 0 && i % 3 === 2) {
              const id = ids[Math.floor(Math.random() * ids.length)] as string;
              const r = await postJson(
                `${current.http}/api/v1/campaigns/${id}`,
                token,
                {
                  name: `Updated r${round} w${w} #${i}`,
                  target: { all: true },
                  slides: [{ kind: 'text', title: { en: `u r${round} w${w} i${i}` }, durationS: 10 }],
                },
                'PUT',
              );
              if (r.status === 200) {
                const v = Number(r.body.version);
                if (v > (acked.get(id) ?? 0)) acked.set(id, v);
                figures.updatesAcknowledged++;
              }
              continue;
            }
            const r = await postJson(`${current.http}/api/v1/campaigns`, token, {
              name: `Round ${round} writer ${w} #${i}`,
              target: { all: true },
              slides: [{ kind: 'text', title: { en: `r${round} w${w} i${i}` }, durationS: 10 }],
            });
            if (r.status === 201) {
              acked.set(String(r.body.id), Number(r.body.version));
              figures.acknowledged++;
            }
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      const before = figures.acknowledged;
      // A random moment, once this round's writes are flowing.
      const killAfter = 100 + Math.floor(Math.random() * 900);
      const t0 = Date.now();
      while (Date.now() - t0 < killAfter || figures.acknowledged < before + 2)
        await new Promise((r) => setTimeout(r, 5));
      current.child.kill('SIGKILL');
      const how = await current.exited;
      if (how !== 'SIGKILL') throw new Error(`server ended with ${String(how)}, not SIGKILL`);
      figures.kills++;
      stop = true;
      await Promise.all(writers);

      // The file on disk is whole JSON with every acknowledged write, at its acknowledged version.
      const doc = JSON.parse(await readFile(path.join(dataDir, 'db.json'), 'utf8')) as {
        campaigns: Array<{ campaign: { id: string; version: number } }>;
      };
      const stored = new Map(doc.campaigns.map((c) => [c.campaign.id, c.campaign.version]));
      const missingDb = [...acked].filter(([id, v]) => (stored.get(id) ?? 0) < v).map(([id]) => id);

      const r0 = Date.now();
      current = await startServerProcess(dataDir, { adminPassword: PASSWORD });
      figures.restartMs.push(Date.now() - r0);
      token = await login(current.http, 'admin', PASSWORD);
      const list = await fetch(`${current.http}/api/v1/campaigns`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const api = new Map(
        ((await list.json()) as { campaigns: Array<{ id: string; version: number }> }).campaigns.map((c) => [
          c.id,
          c.version,
        ]),
      );
      const missingApi = [...acked].filter(([id, v]) => (api.get(id) ?? 0) < v).map(([id]) => id);
      const retained = await retainedVersions(current.mqttUrl, screen, acked);
      const missingRetained = [...acked].filter(([id, v]) => (retained.get(id) ?? 0) < v).map(([id]) => id);
      figures.presentInDb = acked.size - missingDb.length;
      figures.presentInApi = acked.size - missingApi.length;
      figures.retainedSeen = acked.size - missingRetained.length;
      figures.missing.push(
        ...missingDb.map((id) => `db:${id}`),
        ...missingApi.map((id) => `api:${id}`),
        ...missingRetained.map((id) => `retained:${id}`),
      );
      log(
        `kill -9 #${round + 1}: after ${killAfter} ms; campaigns acknowledged ${acked.size} (updates ${figures.updatesAcknowledged}), in db ${figures.presentInDb}, via API ${figures.presentInApi}, retained ${figures.retainedSeen}; restart ${figures.restartMs.at(-1)} ms`,
      );
      if (figures.missing.length > 0) break;
    }
    await traffic.stop();
    figures.screenMessagesSent = traffic.sent();
    current.child.kill('SIGTERM');
    await current.exited;
    server = null;
    return figures;
  } finally {
    killAllServerProcesses();
    await rm(dataDir, { recursive: true, force: true });
  }
}
