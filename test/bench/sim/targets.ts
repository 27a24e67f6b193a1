import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type CampaignInput,
  CampaignSchema,
  type ScreenCreate,
  encodePayload,
  topics,
} from '../../../protocol/index.ts';
import { LiteClient } from './lite-client.ts';
import { type MosquittoHandle, mosquittoPub, startMosquitto } from './mosquitto.ts';
import { RestClient } from './rest.ts';
import type { ScreenIdentity } from './screen.ts';
import { ServerProcess } from './server-process.ts';

export const SERVER_SOURCE = new URL('../../../control-server/server.ts', import.meta.url);

/** True once the control server (helper A's startServer) exists in this checkout. */
export function serverAvailable(): boolean {
  return existsSync(SERVER_SOURCE);
}

/**
 * mosquitto: bare Mosquitto, campaign published by spawning mosquitto_pub (the baseline);
 * mosquitto-live: the same broker with an already-connected publisher, i.e. pure fan-out;
 * embedded / external: the control server with its own broker, or with Mosquitto.
 */
export type TargetKind = 'mosquitto' | 'mosquitto-live' | 'embedded' | 'external';

export interface PushOutcome {
  campaignId: string;
  version: number;
  /** Absolute ms just before the push started. */
  t0: number;
}

/** Something the simulated fleet connects to, that can push a campaign to every screen. */
export interface Target {
  kind: TargetKind;
  host: string;
  port: number;
  screens: ScreenIdentity[];
  /** Provisioning time per screen (REST), ms; null for the anonymous baseline. */
  provisionMsPerScreen: number | null;
  server: ServerProcess | null;
  /** The Mosquitto process (baseline and external mode). */
  brokerPid: number | null;
  rest: RestClient | null;
  push(input: CampaignInput, n: number): Promise<PushOutcome>;
  /**
   * Server targets: stop the server (gracefully, or kill -9) and start it again on the same data
   * directory and ports; resolves with the milliseconds until it answered again.
   */
  restart?(how: 'graceful' | 'kill'): Promise<number>;
  stop(): Promise<void>;
}

const now = (): number => performance.timeOrigin + performance.now();

export function benchScreenId(i: number): string {
  return `sim-${String(i).padStart(5, '0')}`;
}

/** A realistic fleet mix: mostly parking posts and info-screens, some street kiosks, in Aarhus. */
export function screenBody(i: number): ScreenCreate {
  const profiles = ['parking-post', 'info-screen', 'street-kiosk', 'parking-post'] as const;
  return {
    id: benchScreenId(i),
    name: `Bench screen ${i}`,
    profile: profiles[i % profiles.length] ?? 'parking-post',
    location: { lat: 56.15 + ((i % 100) - 50) * 0.0005, lon: 10.2 + (Math.floor(i / 100) % 100) * 0.0005 },
    groups: [`district-${i % 10}`],
    tags: i % 3 === 0 ? ['harbour'] : ['centre'],
  };
}

/** The campaign every push benchmark sends: an emergency notice in three languages. */
export function benchCampaign(n: number): CampaignInput {
  return {
    name: `Bench emergency ${n}`,
    priority: 'emergency',
    target: { all: true },
    slides: [
      {
        kind: 'text',
        title: { da: 'Stormvarsel', en: 'Storm warning', de: 'Sturmwarnung' },
        body: {
          da: 'Hold dig væk fra havnefronten indtil kl. 18. Følg politiets anvisninger.',
          en: 'Keep away from the harbour front until 18:00. Follow police instructions.',
          de: 'Halten Sie sich bis 18 Uhr von der Hafenfront fern. Folgen Sie den Anweisungen der Polizei.',
        },
        durationS: 20,
      },
    ],
  };
}

export async function startBaseline(count: number, publisher: 'cli' | 'live' = 'cli'): Promise<Target> {
  const m = await startMosquitto();
  const dir = m.dir;
  const live =
    publisher === 'live'
      ? await LiteClient.connect({
          host: '127.0.0.1',
          port: m.port,
          clientId: 'bench-publisher',
          keepaliveS: 60,
        })
      : null;
  return {
    kind: live ? 'mosquitto-live' : 'mosquitto',
    host: '127.0.0.1',
    port: m.port,
    screens: Array.from({ length: count }, (_, i) => ({ id: benchScreenId(i) })),
    provisionMsPerScreen: null,
    server: null,
    brokerPid: m.pid,
    rest: null,
    async push(input, n) {
      // The same message the server would put on the wire.
      const campaignId = `bench-${n}-${randomBytes(3).toString('hex')}`;
      const payload = encodePayload(CampaignSchema, {
        ...input,
        id: campaignId,
        version: 1,
        updatedAt: new Date().toISOString(),
      });
      const file = path.join(dir, `campaign-${n}.json`);
      await writeFile(file, payload);
      const t0 = now();
      if (live) await live.publish(topics.campaign(campaignId), payload, { qos: 1, retain: true });
      else
        await mosquittoPub({ port: m.port, topic: topics.campaign(campaignId), file, qos: 1, retain: true });
      return { campaignId, version: 1, t0 };
    },
    async stop() {
      await live?.end();
      await m.stop();
    },
  };
}

/** A data directory with screens already provisioned, shared by several server runs. */
export interface Provisioned {
  dataDir: string;
  adminPassword: string;
  screens: ScreenIdentity[];
  msPerScreen: number;
  remove(): Promise<void>;
}

/**
 * Provisions `count` screens over REST into a fresh data directory (embedded server, stopped
 * afterwards). Every record keeps a Mosquitto hash too, so the same directory serves external mode.
 */
export async function provision(
  count: number,
  log: (l: string) => void,
  concurrency = 64,
): Promise<Provisioned> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'stander-bench-data-'));
  const adminPassword = randomBytes(12).toString('base64url');
  const server = await ServerProcess.start({ dataDir, adminPassword }).catch(async (e: Error) => {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  try {
    const rest = new RestClient(server.httpUrl);
    await rest.login('admin', adminPassword);
    // The batch endpoint (one store write per 1,000 screens) when the server has it: one POST per
    // screen rewrites the whole database each time, O(N^2) for a fleet (minutes at 10,000).
    log(`  provisioning ${count} screens over REST (batches of up to 1000)...`);
    const batch = await rest.createScreensBatch(count, screenBody);
    if (!batch) log(`  no batch endpoint: one POST per screen, ${concurrency} requests in flight...`);
    const { screens, ms } = batch ?? (await rest.createScreens(count, screenBody, concurrency));
    log(`  provisioned in ${Math.round(ms)} ms (${(ms / Math.max(1, count)).toFixed(2)} ms/screen)`);
    return {
      dataDir,
      adminPassword,
      screens,
      msPerScreen: ms / Math.max(1, count),
      remove: () => rm(dataDir, { recursive: true, force: true }),
    };
  } catch (e) {
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  } finally {
    await server.stop();
  }
}

let shared: Provisioned | null = null;

/**
 * A provisioned data directory shared by the benchmarks of one `npm run bench` process (push, storm,
 * telemetry), so 10,000 screens are provisioned once. Its `remove()` is a no-op; releaseShared() frees it.
 * Users must leave it as they found it (delete the campaigns they create).
 */
export async function sharedProvision(count: number, log: (l: string) => void): Promise<Provisioned> {
  if (shared && shared.screens.length >= count) return { ...shared, remove: async () => {} };
  await shared?.remove();
  shared = await provision(count, log);
  return { ...shared, remove: async () => {} };
}

export async function releaseShared(): Promise<void> {
  await shared?.remove();
  shared = null;
}

export interface ServerTargetOptions {
  count: number;
  external: boolean;
  /** Use the first `count` screens of this directory instead of provisioning into a new one. */
  provisioned?: Provisioned;
  log: (line: string) => void;
  nodeFlags?: string[];
  env?: Record<string, string>;
  options?: Record<string, unknown>;
  /** REST requests in flight while provisioning. */
  provisionConcurrency?: number;
}

async function externalBroker(
  dataDir: string,
): Promise<{ m: MosquittoHandle; options: Record<string, unknown> }> {
  const dir = path.join(dataDir, 'mosquitto');
  const password = randomBytes(18).toString('base64url');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const files = (await import('../../../control-server/broker/mosquitto-files.ts')) as {
    writeMosquittoFiles: (o: {
      dir: string;
      serverUsername: string;
      serverPassword: string;
      screens: { username: string; hash: string }[];
    }) => Promise<{ passwordFile: string; aclFile: string }>;
  };
  const { passwordFile, aclFile } = await files.writeMosquittoFiles({
    dir,
    serverUsername: 'stander-server',
    serverPassword: password,
    screens: [],
  });
  const pidFile = path.join(dir, 'mosquitto.pid');
  const m = await startMosquitto({
    anonymous: false,
    extraConf: [`password_file ${passwordFile}`, `acl_file ${aclFile}`, `pid_file ${pidFile}`],
  });
  return {
    m,
    // The server keeps these two files in step with its screens and SIGHUPs Mosquitto (pid file).
    options: {
      brokerUsername: 'stander-server',
      brokerPassword: password,
      mosquitto: { dir, pidFile, reloadCommand: null },
    },
  };
}

/** Starts the control server (embedded broker, or external Mosquitto) and provisions `count` screens. */
export async function startServerTarget(o: ServerTargetOptions): Promise<Target> {
  const owned = !o.provisioned;
  const dataDir = o.provisioned?.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'stander-bench-data-')));
  const adminPassword = o.provisioned?.adminPassword ?? randomBytes(12).toString('base64url');
  const removeDir = () => (owned ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  let broker: { m: MosquittoHandle; options: Record<string, unknown> } | null = null;
  let server: ServerProcess | null = null;
  try {
    if (o.external) broker = await externalBroker(dataDir);
    server = await ServerProcess.start({
      dataDir,
      adminPassword,
      ...(broker ? { brokerUrl: broker.m.url } : {}),
      ...(o.env ? { env: o.env } : {}),
      options: { ...(broker?.options ?? {}), ...(o.options ?? {}) },
      ...(o.nodeFlags ? { nodeFlags: o.nodeFlags } : {}),
    });
    const rest = new RestClient(server.httpUrl);
    await rest.login('admin', adminPassword);
    let screens: ScreenIdentity[];
    let ms: number;
    if (o.provisioned) {
      if (o.provisioned.screens.length < o.count)
        throw new Error(`only ${o.provisioned.screens.length} screens provisioned, ${o.count} wanted`);
      screens = o.provisioned.screens.slice(0, o.count);
      ms = o.provisioned.msPerScreen * o.count;
    } else {
      if (o.count > 0) o.log(`  provisioning ${o.count} screens over REST...`);
      ({ screens, ms } =
        (await rest.createScreensBatch(o.count, screenBody)) ??
        (await rest.createScreens(o.count, screenBody, o.provisionConcurrency ?? 64)));
      if (o.count > 0)
        o.log(`  provisioned in ${Math.round(ms)} ms (${(ms / Math.max(1, o.count)).toFixed(2)} ms/screen)`);
    }
    if (broker) {
      // External mode: wait until the server's file sync has given Mosquitto every screen's credentials.
      await waitForPasswords(path.join(dataDir, 'mosquitto', 'passwd'), screens.length + 1, 60_000);
    }
    const port = broker ? broker.m.port : (server.mqttPort ?? 0);
    const brk = broker;
    const target: Target = {
      kind: o.external ? 'external' : 'embedded',
      host: '127.0.0.1',
      port,
      screens,
      provisionMsPerScreen: ms / Math.max(1, o.count),
      server,
      brokerPid: brk?.m.pid ?? null,
      rest,
      async push(input) {
        const t0 = now();
        const c = await rest.postCampaign(input);
        return { campaignId: c.id, version: c.version, t0 };
      },
      async restart(how) {
        const old = target.server;
        if (!old) throw new Error('no server to restart');
        if (how === 'kill') await old.kill();
        else await old.stop();
        const t0 = performance.now();
        const fresh = await ServerProcess.start({
          ...old.options,
          httpPort: old.httpPort,
          ...(old.mqttPort !== null ? { mqttPort: old.mqttPort } : {}),
        });
        target.server = fresh;
        const ms = performance.now() - t0;
        await rest.login('admin', adminPassword);
        return ms;
      },
      async stop() {
        await target.server?.stop();
        await brk?.m.stop();
        await removeDir();
      },
    };
    return target;
  } catch (e) {
    await server?.kill();
    await broker?.m.stop();
    await removeDir();
    throw e;
  }
}

async function waitForPasswords(file: string, atLeast: number, timeoutMs: number): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter((l) => l.includes(':')).length;
    if (lines >= atLeast) break;
    if (Date.now() > deadline)
      throw new Error(`Mosquitto password file has ${lines} users, ${atLeast} expected`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The reload (SIGHUP) follows the write; give Mosquitto a moment to re-read the file.
  await new Promise((r) => setTimeout(r, 500));
}
