import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` end to end: the real command (tsx scripts/start.ts) on ephemeral ports and a fresh data
 * dir reaches ready, the dashboard and the three screens answer with their UIs (a real Chromium
 * renders each screen to a view), the admin login works, Ctrl-C (SIGINT to the process group) stops
 * everything with exit code 0, and a second start reuses the same demo screens.
 */

const ROOT = new URL('../../', import.meta.url).pathname;

interface Started {
  child: ChildProcess;
  out: () => string;
  dashboard: string;
  screens: Array<{ id: string; profile: string; url: string }>;
  adminLine: string;
}

/**
 * GET that waits out a 503 "not built": other work in this tree may be rebuilding dist/ right now
 * (vite empties the folder first). A UI that is really missing still fails after a minute.
 */
async function getUi(url: string): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(url);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function startDemo(dataDir: string): Promise<Started> {
  const child = spawn(
    'npx',
    [
      'tsx',
      'scripts/start.ts',
      '--no-build',
      '--data-dir',
      dataDir,
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--ui-ports',
      '0,0,0',
    ],
    {
      cwd: ROOT,
      detached: true, // its own process group, like a terminal's foreground job
      env: { ...process.env, STANDER_SHELL: 'none', STANDER_ADMIN_PASSWORD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    out += String(d);
  });
  const deadline = Date.now() + 90_000;
  while (!out.includes('Ready. Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`npm start not ready in 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const dashboard = /Dashboard:\s+(http:\/\/\S+)/.exec(out)?.[1] ?? '';
  const screens = [...out.matchAll(/Screen (\S+) \(([a-z-]+)\): (http:\/\/\S+)/g)].map((m) => ({
    id: m[1]!,
    profile: m[2]!,
    url: m[3]!,
  }));
  return { child, out: () => out, dashboard, screens, adminLine: /Admin login:.*/.exec(out)?.[0] ?? '' };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ctrl-C as a terminal sends it: SIGINT to every process of the foreground group (npx, tsx, node).
 * npx itself dies of the signal at once; what matters is that start.ts stops everything and exits
 * by itself, so this waits until the whole group is gone and returns start.ts's own last words.
 */
async function ctrlC(s: Started): Promise<string> {
  const pgid = s.child.pid!;
  process.kill(-pgid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) {
      process.kill(-pgid, 'SIGKILL');
      throw new Error(`npm start did not stop within 30 s:\n${s.out().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 100)); // the last buffered output
  return s.out().slice(s.out().lastIndexOf('Stopping ('));
}

describe('npm start (e2e)', () => {
  let dataDir: string;
  let first: Started | null = null;
  let browser: Browser;

  beforeAll(async () => {
    if (
      !existsSync(join(ROOT, 'dist/renderer/index.html')) ||
      !existsSync(join(ROOT, 'dist/dashboard/index.html'))
    ) {
      const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('building the UIs failed');
    }
    dataDir = await mkdtemp(join(tmpdir(), 'stander-start-'));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (first?.child.pid && groupAlive(first.child.pid)) process.kill(-first.child.pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reaches ready and prints the dashboard, three screens and a generated admin login', async () => {
    first = await startDemo(dataDir);
    expect(first.dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(first.screens.map((s) => s.profile).sort()).toEqual([
      'info-screen',
      'parking-post',
      'street-kiosk',
    ]);
    expect(first.adminLine).toMatch(/admin \/ \S+ +\(generated on this first start/);
  });

  it('serves the dashboard and its API; the printed admin login works', async () => {
    const res = await getUi(first!.dashboard);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Stander dashboard');
    const password = /admin \/ (\S+)/.exec(first!.adminLine)![1]!;
    const login = await fetch(new URL('/api/v1/session', first!.dashboard), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    // every demo agent connects to the embedded broker with its device token and shows up online
    const deadline = Date.now() + 30_000;
    let screens: Array<{ id: string; online: boolean }> = [];
    while (Date.now() < deadline) {
      const list = await fetch(new URL('/api/v1/screens', first!.dashboard), {
        headers: { authorization: `Bearer ${token}` },
      });
      screens = ((await list.json()) as { screens: typeof screens }).screens;
      if (screens.length === 3 && screens.every((x) => x.online)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(screens.map((x) => x.id).sort()).toEqual(first!.screens.map((x) => x.id).sort());
    expect(screens.map((x) => x.online)).toEqual([true, true, true]);
  });

  it('each screen URL answers with the kiosk UI, rendering its own profile from its live config', async () => {
    for (const s of first!.screens) {
      const res = await getUi(s.url);
      expect(res.status, s.url).toBe(200);
      expect(await res.text()).toMatch(/<html/i);
      const page = await browser.newPage();
      try {
        await page.goto(s.url);
        await page.locator('[data-view]').first().waitFor({ timeout: 30_000 });
        const view = await page.locator('[data-view]').first().getAttribute('data-view');
        expect(view, s.id).toMatch(/^(attract|home|events|map|transport|water|parking|campaign|info)$/);
        // the profile comes from the screen's config, delivered live by the server over MQTT
        expect(await page.evaluate(() => document.documentElement.dataset.profile)).toBe(s.profile);
      } finally {
        await page.close();
      }
    }
  });

  it('stops cleanly on Ctrl-C, and a second start reuses the same demo screens', async () => {
    const last = await ctrlC(first!);
    expect(last).toMatch(/^Stopping \(SIGINT\)[\s\S]*Stopped\.\n$/);
    expect(last).not.toMatch(/forced exit|took too long|Error/);
    const tokensBefore = await readFile(join(dataDir, 'demo-screens.json'), 'utf8');
    const second = await startDemo(dataDir);
    try {
      expect(second.screens.map((s) => s.id).sort()).toEqual(first!.screens.map((s) => s.id).sort());
      expect(second.adminLine).toContain('printed on the first start');
      expect(await readFile(join(dataDir, 'demo-screens.json'), 'utf8')).toBe(tokensBefore);
    } finally {
      expect(await ctrlC(second)).toMatch(/Stopped\.\n$/);
    }
  });
});
