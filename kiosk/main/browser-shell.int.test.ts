import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserShell } from './browser-shell.ts';
import { findChromium } from './chromium-process.ts';
import type { RendererReport } from './renderer-health.ts';
import { type RecordingServer, startPageServer } from './test-server.ts';

const chromiumPath = findChromium();
if (!chromiumPath) console.warn('browser shell tests skipped: no Chromium (set CHROMIUM_PATH)');

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe.skipIf(!chromiumPath)('browser shell with real Chromium', () => {
  let app: RecordingServer;
  let shell: BrowserShell;
  const reports: RendererReport[] = [];

  beforeAll(async () => {
    app = await startPageServer('<!doctype html><title>app</title><main data-view="attract">Hello</main>');
    shell = new BrowserShell({
      url: app.url,
      executablePath: chromiumPath!,
      headless: true,
      onReport: (r) => reports.push(r),
      checkEveryMs: 60_000,
      hangTimeoutMs: 2000,
      backoff: { initialMs: 200, maxMs: 2000, stableMs: 60_000 },
    });
    await shell.start();
  });

  afterAll(async () => {
    const pid = shell?.pid;
    await shell?.stop();
    await app?.close();
    if (pid) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('starts Chromium in kiosk app mode on the UI and reports the renderer ok', async () => {
    expect(shell.page?.url()).toBe(app.url);
    expect(await shell.page!.locator('[data-view]').textContent()).toBe('Hello');
    expect(shell.rendererState).toBe('ok');
    expect(reports.at(-1)).toMatchObject({ state: 'ok', restarts: 0 });
    const png = await shell.takeScreenshot();
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(1000);
  });

  it('reloads a crashed renderer in place and reports the crash and the restart', async () => {
    const page = shell.page!;
    const pid = shell.pid;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Page.crash').catch(() => undefined);
    await until(() => shell.restarts === 1 && shell.rendererState === 'ok');
    const states = reports.map((r) => `${r.state}/${r.restarts}`);
    expect(states).toContain('crashed/0');
    expect(states.at(-1)).toBe('ok/1');
    expect(reports.some((r) => r.reason === 'reloaded after crash')).toBe(true);
    expect(shell.pid).toBe(pid); // the same Chromium: only the renderer was replaced
    expect(shell.page!.context().pages()).toEqual([shell.page]);
    expect(await shell.page!.locator('[data-view]').textContent()).toBe('Hello');
  });

  it('kills and replaces a hung renderer, reporting it unresponsive first', async () => {
    const page = shell.page!;
    const pid = shell.pid;
    void page
      .evaluate(() => {
        for (;;) {
          // a renderer stuck in a loop
        }
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    await shell.check();
    await until(() => shell.restarts === 2 && shell.rendererState === 'ok');
    const states = reports.map((r) => r.state);
    expect(states).toContain('unresponsive');
    // recovered by killing just the spinning renderer, not by restarting Chromium
    expect(shell.pid).toBe(pid);
    expect(reports.at(-2)?.reason).toBe('reloaded after crash');
    expect(await shell.page!.locator('[data-view]').textContent()).toBe('Hello');
  });

  it('restarts Chromium when its process dies, with a fresh app page', async () => {
    const oldPid = shell.pid!;
    process.kill(-oldPid, 'SIGKILL');
    await until(() => shell.restarts === 3 && shell.pid !== undefined && shell.pid !== oldPid);
    await until(
      async () =>
        (await shell.page
          ?.locator('[data-view]')
          .textContent()
          .catch(() => null)) === 'Hello',
    );
    expect(reports.some((r) => r.state === 'crashed' && /chromium exited/.test(r.reason ?? ''))).toBe(true);
    expect(shell.rendererState).toBe('ok');
  });

  it('detects a blank screen and reloads the app', async () => {
    await shell.page!.evaluate(() => {
      document.body.innerHTML = '';
    });
    await shell.check();
    await shell.check();
    await until(() => shell.restarts === 4);
    expect(reports.some((r) => r.state === 'blank')).toBe(true);
    expect(await shell.page!.locator('[data-view]').textContent()).toBe('Hello');
  });

  it('does not spin while the UI server is down, and returns to the app once it is back', async () => {
    const port = Number(new URL(app.url).port);
    await app.close();
    const before = shell.blockedCount;
    await shell.page!.reload().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 3000));
    const attempts = shell.blockedCount - before;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(4); // one try per 2 s, not a tight loop
    app = await startPageServer(
      '<!doctype html><title>app</title><main data-view="attract">Back</main>',
      '127.0.0.1',
      port,
    );
    await until(
      async () =>
        (await shell.page
          ?.locator('[data-view]')
          .textContent()
          .catch(() => null)) === 'Back',
      10_000,
    );
  });
});
