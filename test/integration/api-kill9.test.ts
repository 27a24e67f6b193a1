import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { CampaignSchema, filters, parseTopic } from '../../protocol/index.ts';

/**
 * kill -9 of the real server process (control-server/main.ts) while campaigns are being created,
 * then a restart on the same data directory: the database parses, and every campaign whose POST
 * answered 201 is there and published retained again.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const PASSWORD = 'kill9-admin-password';
const children = new Set<ChildProcess>();
let dataDir = '';

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  http: string;
  mqttUrl: string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function startServerProcess(dir: string): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'control-server/main.ts',
      '--data-dir',
      dir,
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--host',
      '127.0.0.1',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, STANDER_ADMIN_PASSWORD: PASSWORD, STANDER_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? code);
    }),
  );
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 45_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Stander control server ready: http=(\S+) mqtt=(\S+)/.exec(out);
      if (m?.[1] && m[2]) {
        clearTimeout(timer);
        resolve({ child, http: m[1], mqttUrl: m[2], exited });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${how}) before it was ready:\n${out}\n${err}`));
    });
  });
}

async function post(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

async function login(http: string): Promise<string> {
  const r = await fetch(`${http}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}

/** Every retained campaign the broker hands a freshly connected screen. */
async function retainedCampaigns(
  mqttUrl: string,
  screen: { id: string; token: string },
  expected: Set<string>,
) {
  const c = await mqtt.connectAsync(mqttUrl, {
    username: screen.id,
    password: screen.token,
    clientId: screen.id,
    reconnectPeriod: 0,
  });
  const seen = new Map<string, number>();
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      c.on('message', (topic, payload, packet) => {
        const t = parseTopic(topic);
        if (t?.kind !== 'campaign' || !packet.retain || payload.length === 0) return;
        seen.set(t.id, CampaignSchema.parse(JSON.parse(payload.toString())).version);
        if ([...expected].every((id) => seen.has(id))) {
          clearTimeout(timer);
          resolve();
        }
      });
      void c.subscribeAsync(filters.allCampaigns, { qos: 1 });
    });
  } finally {
    await c.endAsync(true);
  }
  return seen;
}

describe('kill -9 while creating campaigns', () => {
  it('keeps and republishes every campaign acknowledged with 201', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'stander-kill9-'));
    let server = await startServerProcess(dataDir);
    let token = await login(server.http);
    const screenRes = await post(`${server.http}/api/v1/screens`, token, {
      name: 'Watcher',
      profile: 'info-screen',
      location: { lat: 55.68, lon: 12.57 },
    });
    expect(screenRes.status).toBe(201);
    const screen = screenRes.body as { id: string; token: string };
    const acked = new Set<string>();

    for (let round = 0; round < 2; round++) {
      // Four writers in parallel, so the kill can land inside a batched write.
      let stop = false;
      const writer = async (w: number) => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await post(`${server.http}/api/v1/campaigns`, token, {
              name: `Round ${round} writer ${w} #${i}`,
              target: { all: true },
              slides: [{ kind: 'text', title: { en: `r${round} w${w} i${i}` }, durationS: 10 }],
            });
            if (r.status === 201) acked.add(String(r.body.id));
          } catch {
            return; // the connection died with the server
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      const before = acked.size;
      // Kill at a random moment once some campaigns of this round went through.
      const killAfter = 300 + Math.floor(Math.random() * 900);
      const start = Date.now();
      while (Date.now() - start < killAfter || acked.size < before + 5)
        await new Promise((r) => setTimeout(r, 10));
      server.child.kill('SIGKILL');
      expect(await server.exited).toBe('SIGKILL');
      stop = true;
      await Promise.all(writers);
      expect(acked.size).toBeGreaterThan(before);
      console.info(
        `kill -9 round ${round}: after ${Date.now() - start} ms, ${acked.size - before} campaigns acknowledged`,
      );

      // The file on disk is whole JSON, with every acknowledged campaign.
      const doc = JSON.parse(await readFile(path.join(dataDir, 'db.json'), 'utf8')) as {
        campaigns: Array<{ campaign: { id: string } }>;
      };
      const stored = new Set(doc.campaigns.map((c) => c.campaign.id));
      expect([...acked].filter((id) => !stored.has(id))).toEqual([]);

      server = await startServerProcess(dataDir);
      token = await login(server.http);
      const list = await fetch(`${server.http}/api/v1/campaigns`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const ids = new Set(
        ((await list.json()) as { campaigns: Array<{ id: string }> }).campaigns.map((c) => c.id),
      );
      expect([...acked].filter((id) => !ids.has(id))).toEqual([]);
      const retained = await retainedCampaigns(server.mqttUrl, screen, acked);
      expect([...acked].filter((id) => !retained.has(id))).toEqual([]);
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 180_000);
});
