import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserShell } from './browser-shell.ts';
import { findChromium } from './chromium-process.ts';
import { type RecordingServer, startPageServer } from './test-server.ts';

/**
 * Lockdown through the real browser shell: whatever script runs in the renderer, it cannot navigate
 * away, open a window, or reach another origin (HTTP or WebSocket). The "other origin" is a real
 * server that records requests: it must never see one.
 */
const chromiumPath = findChromium();
if (!chromiumPath) console.warn('lockdown tests skipped: no Chromium (set CHROMIUM_PATH)');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!chromiumPath)('renderer lockdown (real Chromium)', () => {
  let app: RecordingServer;
  let other: RecordingServer;
  let shell: BrowserShell;

  beforeAll(async () => {
    app = await startPageServer('<!doctype html><title>app</title><main data-view="home">Home</main>');
    other = await startPageServer('<!doctype html><title>evil</title><p>elsewhere</p>');
    shell = new BrowserShell({
      url: app.url,
      executablePath: chromiumPath!,
      headless: true,
      checkEveryMs: 60_000,
    });
    await shell.start();
  });

  afterAll(async () => {
    await shell?.stop();
    await app?.close();
    await other?.close();
  });

  it('cannot navigate to another origin: the app stays', async () => {
    const page = shell.page!;
    await page.evaluate((url) => {
      window.location.href = url;
    }, other.url);
    await sleep(1500);
    await page.waitForLoadState('domcontentloaded');
    expect(new URL(page.url()).origin).toBe(app.origin);
    expect(await page.locator('[data-view]').textContent()).toBe('Home');
    expect(other.requests).toEqual([]);
  });

  it('can still navigate within its own origin', async () => {
    const page = shell.page!;
    await page.evaluate(() => {
      window.location.href = '/other-view';
    });
    await page.waitForURL(`${app.origin}/other-view`);
    expect(app.requests).toContain('/other-view');
  });

  it('cannot open a window, to another origin or its own', async () => {
    const page = shell.page!;
    const context = page.context();
    await page.evaluate((url) => {
      window.open(url, '_blank');
      window.open('/popup', '_blank');
      const a = document.createElement('a');
      a.href = url;
      a.target = '_blank';
      document.body.append(a);
      a.click();
    }, other.url);
    await sleep(1500);
    expect(context.pages().filter((p) => !p.isClosed())).toEqual([page]);
    expect(other.requests).toEqual([]);
  });

  it('cannot reach another origin with fetch, an image or a WebSocket', async () => {
    const page = shell.page!;
    const outcome = await page.evaluate(async (url) => {
      const results: string[] = [];
      try {
        await fetch(url);
        results.push('fetch ok');
      } catch {
        results.push('fetch blocked');
      }
      results.push(
        await new Promise<string>((resolve) => {
          const img = new Image();
          img.onload = () => resolve('img ok');
          img.onerror = () => resolve('img blocked');
          img.src = `${url}pixel.png`;
        }),
      );
      results.push(
        await new Promise<string>((resolve) => {
          const ws = new WebSocket(url.replace('http', 'ws'));
          ws.onopen = () => resolve('ws open');
          ws.onclose = () => resolve('ws blocked');
          ws.onerror = () => resolve('ws blocked');
        }),
      );
      return results;
    }, other.url);
    expect(outcome).toEqual(['fetch blocked', 'img blocked', 'ws blocked']);
    expect(other.requests).toEqual([]);
    expect(shell.blockedCount).toBeGreaterThan(3);
  });
});
