import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch, openPage } from './support/browser.ts';
import { type FixtureAgent, startFixtureAgent } from './support/fixture-agent.ts';
import { axe, shot } from './support/ui.ts';
import { startUiServer } from './support/ui-server.ts';

let browser: Browser;
let agent: FixtureAgent;

beforeAll(async () => {
  agent = await startFixtureAgent(demoState(Date.now()));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await agent?.close();
});

describe('street kiosk accessibility', () => {
  it('has a keypad focus order: languages, content, navigation, then read-aloud and low reach', async () => {
    const page = await openPage(browser, `${agent.url}?lang=en`, 'street-kiosk');
    await page.waitForSelector('[data-view="attract"]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('attract-invite');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-view="home"]');
    const order: string[] = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(
          () => (document.activeElement as HTMLElement | null)?.className.split(' ')[0] ?? '',
        ),
      );
    }
    const first = (c: string) => order.indexOf(c);
    expect(first('lang-btn')).toBe(0);
    expect(first('lang-btn')).toBeLessThan(first('home-tile'));
    expect(first('home-tile')).toBeLessThan(first('nav-tile'));
    expect(first('nav-tile')).toBeLessThan(first('side-btn'));
    // Every focusable control is at least 48 px in both directions.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, [tabindex="0"]')]
        .map((e) => ({ c: e.className, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width < 48 || r.height < 48)
        .map(({ c }) => c),
    );
    expect(small).toEqual([]);
    await page.context().close();
  });

  it('reads the current view aloud in the chosen language through the Web Speech API', async () => {
    const ctxPage = await openPage(browser, 'about:blank', 'street-kiosk');
    // Record what the platform is asked to speak (headless Chromium has no voices to play it).
    await ctxPage.addInitScript(() => {
      const w = window as unknown as { __spoken: Array<{ text: string; lang: string }> };
      w.__spoken = [];
      window.speechSynthesis.speak = (u: SpeechSynthesisUtterance) => {
        w.__spoken.push({ text: u.text, lang: u.lang });
      };
    });
    await ctxPage.goto(`${agent.url}?lang=de`);
    await ctxPage.locator('.attract-invite').click();
    await ctxPage.locator('.bottom-nav').getByRole('button', { name: 'Hafenbäder', exact: true }).click();
    await ctxPage.waitForSelector('[data-view="water"]');
    await ctxPage.getByRole('button', { name: 'Vorlesen' }).click();
    const spoken = await ctxPage.evaluate(
      () => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken,
    );
    expect(spoken).toHaveLength(1);
    expect(spoken[0]!.lang).toBe('de-DE');
    expect(spoken[0]!.text).toContain('Hafenbäder');
    expect(spoken[0]!.text).toContain('Havnebadet Islands Brygge');
    expect(await ctxPage.getByRole('button', { name: 'Vorlesen beenden' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await ctxPage.context().close();
  });
});

describe('dashboard preview bridge', () => {
  it('renders the state its parent window posts and posts actions back', async () => {
    // The host is another local origin, like the dashboard embedding the built renderer.
    const dir = mkdtempSync(join(tmpdir(), 'stander-preview-'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><html lang="en"><title>preview host</title><body style="margin:0"></body></html>',
    );
    const host = await startUiServer({ root: dir, state: demoState(Date.now()) });
    const page = await openPage(browser, host.url, 'info-screen');
    // The agent's UI server refuses to be framed (frame-ancestors 'none'); the dashboard serves the built
    // renderer itself, as this second static server does.
    const renderer = await startUiServer({ state: demoState(Date.now()) });
    const src = `${renderer.url}?bridge=preview&profile=info-screen&lang=en&page=water&theme=day`;
    await page.setContent(
      '<!doctype html><html lang="en"><title>preview host</title><body style="margin:0"></body></html>',
    );
    const state = demoState(Date.now(), { profile: 'info-screen' });
    // The host listens first, then creates the iframe: it answers the renderer's "ready" with the state.
    await page.evaluate(
      ({ s, src }) => {
        const w = window as unknown as { __actions: unknown[] };
        w.__actions = [];
        const frame = document.createElement('iframe');
        window.addEventListener('message', (ev) => {
          if (ev.source !== frame.contentWindow) return;
          const m = ev.data as { type?: string; action?: unknown };
          if (m?.type === 'stander:ready')
            frame.contentWindow!.postMessage({ type: 'stander:state', state: s }, '*');
          if (m?.type === 'stander:action') w.__actions.push(m.action);
        });
        Object.assign(frame, { title: 'preview', src, width: '1920', height: '1080' });
        frame.style.border = '0';
        document.body.append(frame);
      },
      { s: state, src },
    );
    const frame = page.frameLocator('iframe');
    await frame.locator('[data-view="water"]').waitFor();
    expect(await frame.locator('.water-card').count()).toBe(3);
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window as unknown as { __actions: Array<{ type: string }> }).__actions.map((a) => a.type),
        ),
      )
      .toContain('view');
    await shot(page, 'info-screen', 'preview', 'en');
    await page.context().close();
    await host.close();
    await renderer.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('night theme on the other profiles', () => {
  it('info-screen and parking-post stay axe-clean at night', async () => {
    for (const [profile, q] of [
      ['info-screen', '?lang=en&page=transport&theme=night'],
      ['parking-post', '?lang=en&theme=night'],
    ] as const) {
      agent.setState(demoState(Date.now(), { profile }));
      const page = await openPage(browser, `${agent.url}${q}`, profile);
      await page.waitForSelector('[data-view]');
      await shot(page, profile, 'night', 'en');
      expect(await axe(page)).toEqual([]);
      await page.context().close();
    }
  });
});

describe('campaign media and commands', () => {
  it('plays an image slide from the agent’s verified asset URL, with its alt text; shows the identify banner; reloads on command', async () => {
    const { PNG } = await import('pngjs');
    const { createHash } = await import('node:crypto');
    const png = new PNG({ width: 320, height: 180 });
    for (let i = 0; i < png.data.length; i += 4) png.data.set([0, 80, 107, 255], i);
    const bytes = PNG.sync.write(png);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const dir = mkdtempSync(join(tmpdir(), 'stander-asset-'));
    writeFileSync(join(dir, sha), bytes);
    const media = await startFixtureAgent(demoState(Date.now()), {
      [sha]: { path: join(dir, sha), size: bytes.length, mime: 'image/png' },
    });
    const s = demoState(Date.now());
    s.identifyUntil = new Date(Date.now() + 60_000).toISOString();
    const asset = { sha256: sha, size: bytes.length, mime: 'image/png', url: `/content/${sha}` };
    s.playlist.items = [
      {
        campaignId: 'harbour-photo',
        campaignVersion: 2,
        priority: 'normal',
        slideIndex: 0,
        slide: {
          kind: 'image',
          asset,
          alt: { en: 'The harbour at dusk', da: 'Havnen i skumringen' },
          durationS: 10,
        },
        assetUrl: `/assets/${sha}`,
      },
    ];
    media.setState(s);
    const page = await openPage(browser, `${media.url}?lang=en`, 'street-kiosk');
    const img = page.getByRole('img', { name: 'The harbour at dusk' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(320);
    expect(await page.locator('[data-banner="identify"]').textContent()).toContain('demo-street-kiosk');
    await shot(page, 'street-kiosk', 'attract-image', 'en');
    // The reload command: a new reloadSeq makes the UI reload itself once.
    const reloaded = page.waitForEvent('framenavigated');
    media.setState({ ...s, reloadSeq: s.reloadSeq + 1 });
    await reloaded;
    await page.waitForSelector('[data-view="attract"]');
    await page.context().close();
    await media.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
