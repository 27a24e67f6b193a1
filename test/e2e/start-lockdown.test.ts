import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../../kiosk/agent/index.ts';
import { silentLogger } from '../../kiosk/agent/log.ts';
import type { BrowserShell } from '../../kiosk/main/browser-shell.ts';
import { findChromium } from '../../kiosk/main/chromium-process.ts';
import { startBrowserShellFor } from '../../kiosk/main/launch.ts';
import { type RecordingServer, startPageServer } from '../../kiosk/main/test-server.ts';

/**
 * Lockdown of the real kiosk UI in the real browser shell: a screen's agent serves the built renderer,
 * Chromium shows it through BrowserShell, and script injected into that renderer tries to leave.
 * It can neither navigate away, open a window, nor reach another origin (which records every request).
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const UI = '.frame, [data-view]';
const chromiumPath = findChromium();
if (!chromiumPath) console.warn('lockdown e2e skipped: no Chromium (set CHROMIUM_PATH)');

describe.skipIf(!chromiumPath)('kiosk UI lockdown through the browser shell', () => {
  let cacheDir: string;
  let agent: AgentHandle;
  let shell: BrowserShell;
  let other: RecordingServer;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) {
      const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
      if (r.status !== 0) throw new Error('building the UIs failed');
    }
    cacheDir = await mkdtemp(join(tmpdir(), 'stander-lockdown-'));
    other = await startPageServer('<!doctype html><title>elsewhere</title>');
    agent = await startAgent({
      screenId: 'lockdown-kiosk',
      token: 'lockdown-token-0123456789',
      serverUrl: 'http://127.0.0.1:9',
      mqttUrl: 'mqtt://127.0.0.1:9',
      cacheDir,
      uiPort: 0,
      offline: true,
      log: silentLogger,
    });
    shell = await startBrowserShellFor(agent, { headless: true, executablePath: chromiumPath! });
    // an agent without config (offline, never provisioned) shows its "not configured" frame
    await shell.page!.locator(UI).first().waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await shell?.stop();
    await agent?.close();
    await other?.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('the renderer cannot navigate away: the kiosk UI comes back', async () => {
    const page = shell.page!;
    await page.evaluate((url) => {
      window.location.assign(url);
    }, other.url);
    await page.waitForTimeout(2500);
    expect(new URL(page.url()).origin).toBe(new URL(agent.uiUrl!).origin);
    await page.locator(UI).first().waitFor({ timeout: 15_000 });
    expect(other.requests).toEqual([]);
  });

  it('the renderer cannot open a window', async () => {
    const page = shell.page!;
    await page.evaluate((url) => {
      window.open(url);
      window.open('/', '_blank', 'popup');
    }, other.url);
    await page.waitForTimeout(1500);
    expect(
      page
        .context()
        .pages()
        .filter((p) => !p.isClosed()),
    ).toEqual([page]);
    expect(other.requests).toEqual([]);
  });

  it('the renderer cannot reach another origin', async () => {
    const page = shell.page!;
    const results = await page.evaluate(async (url) => {
      const out: string[] = [];
      out.push(
        await fetch(url).then(
          () => 'fetch ok',
          () => 'fetch blocked',
        ),
      );
      out.push(
        await fetch(url, { mode: 'no-cors' }).then(
          () => 'no-cors ok',
          () => 'no-cors blocked',
        ),
      );
      out.push(navigator.sendBeacon(url, 'x') ? 'beacon queued' : 'beacon refused');
      return out;
    }, other.url);
    await page.waitForTimeout(1000);
    expect(results.slice(0, 2)).toEqual(['fetch blocked', 'no-cors blocked']);
    // whatever the page believes about its beacon, nothing arrived
    expect(other.requests).toEqual([]);
    // its own agent is still reachable
    const own = await page.evaluate(async () => (await fetch('/')).status);
    expect(own).toBe(200);
  });
});
