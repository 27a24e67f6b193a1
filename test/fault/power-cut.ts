import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentHandle, SimulatedHardware, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import { transportSnapshot } from '../../kiosk/agent/testing/fixtures.ts';
import {
  Admin,
  noisePng,
  publishFeed,
  startCuttingProxy,
  startRealServer,
  until,
} from '../integration/agent-harness.ts';
import { ROOT } from './support/server-process.ts';

/**
 * Power cuts on a screen: kill -9 of the agent process in the middle of an asset download and
 * in the middle of cache writes, then a restart on the same cache directory. It must start
 * clean: the cache loads with nothing corrupt, a partial download is resumed (Range) or thrown
 * away, never played unverified. Shared by the default run and the soak (count of cache kills).
 */
export interface PowerCutFigures {
  kills: number;
  downloadKills: number;
  resumedFromBytes: number;
  assetBytes: number;
  secondRequestBytes: number;
  cacheKills: number;
  corruptAfterRestart: number;
  feedMessagesSent: number;
}

function spawnAgent(opts: Record<string, unknown>): {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<unknown>;
  output: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fault/support/agent-runner.ts'], {
    cwd: ROOT,
    env: { ...process.env, STANDER_RUNNER_OPTS: JSON.stringify(opts) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(sig ?? code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start: ${out}`)), 45_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('agent ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`agent exited: ${out}`));
    });
  });
  return { child, ready, exited, output: () => out };
}

export async function runPowerCuts(
  cacheKills: number,
  log: (l: string) => void = console.info,
): Promise<PowerCutFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'stander-powercut-'));
  const server = await startRealServer(join(dir, 'server'));
  const proxy = await startCuttingProxy(server.httpPort);
  const children: ChildProcess[] = [];
  let agent: AgentHandle | null = null;
  const f: PowerCutFigures = {
    kills: 0,
    downloadKills: 0,
    resumedFromBytes: 0,
    assetBytes: 0,
    secondRequestBytes: 0,
    cacheKills: 0,
    corruptAfterRestart: 0,
    feedMessagesSent: 0,
  };
  try {
    const admin = await Admin.login(server.httpUrl);
    const screen = await admin.createScreen({
      name: 'Power-cut kiosk',
      profile: 'street-kiosk',
      location: { lat: 55.68, lon: 12.57 },
      feeds: { transport: ['stop-1'] },
    });
    const cacheDir = join(dir, 'cache');
    const base = {
      screenId: screen.id,
      token: screen.token,
      serverUrl: proxy.url,
      mqttUrl: server.mqttUrl,
      cacheDir,
      tickMs: 100,
    };

    // --- 1. kill -9 half way through a download ---
    const png = noisePng(700, 700, 11);
    f.assetBytes = png.length;
    const asset = await admin.upload(png);
    // The first download breaks off at 40 %, and retries wait long: the partial file sits there.
    proxy.cutNextAfter(Math.floor(png.length * 0.4));
    const a = spawnAgent({ ...base, download: { retryBaseMs: 60_000, retryMaxMs: 60_000 } });
    children.push(a.child);
    await a.ready;
    await admin.createCampaign({
      name: 'Poster',
      target: { all: true },
      slides: [{ kind: 'image', asset, alt: { en: 'poster' }, durationS: 8 }],
    });
    const part = join(cacheDir, 'content', 'partial', `${asset.sha256}.part`);
    await until(
      async () => ((await stat(part).catch(() => null))?.size ?? 0) > 0,
      20_000,
      'a partial download on disk',
      10,
    );
    await new Promise((r) => setTimeout(r, 200));
    a.child.kill('SIGKILL');
    await a.exited;
    f.kills++;
    f.downloadKills++;
    f.resumedFromBytes = (await stat(part).catch(() => ({ size: 0 }))).size;
    const connectionsBefore = proxy.connections.length;

    agent = await startAgent({ ...base, uiPort: null, hardware: new SimulatedHardware(), log: silentLogger });
    const restarted = agent;
    await until(
      () => restarted.getState().playlist.items.some((i) => i.slide.kind === 'image' && i.assetUrl),
      20_000,
      'the poster verified and playing after the restart',
    );
    f.secondRequestBytes = proxy.connections.slice(connectionsBefore).reduce((n, b) => n + b, 0);
    log(
      `power cut during download: asset ${f.assetBytes} bytes, ${f.resumedFromBytes} on disk at the kill, ${f.secondRequestBytes} bytes fetched after the restart`,
    );
    const h = await restarted.health();
    f.corruptAfterRestart += h.cacheCorruptions;
    await restarted.close();
    agent = null;

    // --- 2. kill -9 while cache writes are flowing ---
    await publishFeed(server, transportSnapshot('stop-1', Date.now(), 60));
    for (let k = 0; k < cacheKills; k++) {
      const c = spawnAgent(base);
      children.push(c.child);
      await c.ready;
      // Live and holding its data, so the kill lands among writes of known messages.
      await until(
        () => c.output().includes('"items":1,"feed":true,"config":true'),
        20_000,
        'the agent in sync',
      );
      let stop = false;
      const pump = (async () => {
        let i = 0;
        while (!stop) {
          await publishFeed(server, transportSnapshot('stop-1', Date.now() + i++, 60));
          f.feedMessagesSent++;
          await new Promise((r) => setImmediate(r));
        }
      })();
      await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 600)));
      c.child.kill('SIGKILL');
      await c.exited;
      stop = true;
      await pump;
      f.kills++;
      f.cacheKills++;
      // Restart with no network: only the disk speaks.
      const offline = await startAgent({
        ...base,
        serverUrl: 'http://127.0.0.1:9',
        mqttUrl: 'mqtt://127.0.0.1:9',
        uiPort: null,
        hardware: new SimulatedHardware(),
        log: silentLogger,
      });
      const s = offline.getState();
      const hh = await offline.health();
      f.corruptAfterRestart += hh.cacheCorruptions;
      const files = await readdir(join(cacheDir, 'messages'));
      const leftovers = files.filter((n) => n.endsWith('.tmp') || n.endsWith('.corrupt'));
      await offline.close();
      if (
        s.source !== 'cache' ||
        !s.config ||
        !s.feeds.transport['stop-1'] ||
        s.playlist.items.length !== 1
      ) {
        throw new Error(
          `restart ${k + 1} not clean: ${JSON.stringify({ source: s.source, items: s.playlist.items.length })}`,
        );
      }
      if (leftovers.length > 0) throw new Error(`restart ${k + 1}: leftovers ${leftovers.join(', ')}`);
    }
    return f;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await agent?.close();
    await proxy.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
