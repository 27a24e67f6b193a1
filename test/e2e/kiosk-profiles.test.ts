import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { type DemoOptions, demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch, openPage, type Profile } from './support/browser.ts';
import { type FixtureAgent, startFixtureAgent } from './support/fixture-agent.ts';
import { axe, shot } from './support/ui.ts';

const LANGS = ['da', 'en', 'de'] as const;
let browser: Browser;
let agent: FixtureAgent;

beforeAll(async () => {
  agent = await startFixtureAgent(demoState(Date.now(), { profile: 'info-screen' }));
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await agent?.close();
});

function state(opts: DemoOptions, patch: (s: KioskState) => void = () => {}): KioskState {
  const s = demoState(Date.now(), opts);
  patch(s);
  return s;
}

async function open(profile: Profile, query: string): Promise<Page> {
  const page = await openPage(browser, `${agent.url}${query}`, profile);
  await page.waitForSelector('[data-view]');
  return page;
}

/** Smallest font size of any element that shows text of its own. */
function smallestText(page: Page): Promise<{ size: number; text: string }> {
  return page.evaluate(() => {
    let min = { size: Number.POSITIVE_INFINITY, text: '' };
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) continue; // screen-reader-only text
      const size = Number.parseFloat(getComputedStyle(el).fontSize);
      if (size < min.size) min = { size, text: el.textContent!.trim().slice(0, 40) };
    }
    return min;
  });
}

describe('info-screen', () => {
  for (const lang of LANGS) {
    it(`shows every page in ${lang}, nothing under 40 px, axe-clean`, { timeout: 180_000 }, async () => {
      agent.setState(state({ profile: 'info-screen' }));
      const problems: string[] = [];
      for (const page of ['transport', 'water', 'parking', 'events']) {
        const p = await open('info-screen', `?lang=${lang}&page=${page}&theme=day`);
        await p.waitForSelector(`[data-view="${page}"]`);
        await p.waitForSelector('.ticker');
        await shot(p, 'info-screen', page, lang);
        const small = await smallestText(p);
        if (small.size < 40) problems.push(`${page}/${lang}: ${small.size}px "${small.text}"`);
        problems.push(...(await axe(p)).map((x) => `${page}/${lang} ${x}`));
        await p.context().close();
      }
      expect(problems).toEqual([]);
    });
  }

  it('rotates its pages on its own and keeps a campaign slot and a ticker of cancellations', async () => {
    agent.setState(state({ profile: 'info-screen' }));
    const p = await open('info-screen', '?pageS=2&lang=en');
    const seen = new Set<string>();
    const until = Date.now() + 12_000;
    while (Date.now() < until && seen.size < 4) {
      seen.add((await p.getAttribute('[data-view]', 'data-view')) ?? '');
      await p.waitForTimeout(400);
    }
    expect([...seen].sort()).toEqual(['events', 'parking', 'transport', 'water']);
    expect(await p.locator('.info-slot .slide-title').first().textContent()).toBeTruthy();
    expect(await p.locator('.ticker').textContent()).toContain('250S');
    await p.context().close();
  });

  it('gives the whole screen to an emergency campaign', async () => {
    agent.setState(state({ profile: 'info-screen', emergency: true }));
    const p = await open('info-screen', '?lang=en');
    await p.waitForSelector('[data-view="campaign"]');
    expect(await p.locator('[data-view="campaign"]').textContent()).toContain('Sturmwarnung');
    await shot(p, 'info-screen', 'campaign', 'en');
    expect(await axe(p)).toEqual([]);
    await p.context().close();
  });
});

describe('parking-post', () => {
  for (const lang of LANGS) {
    it(`shows its zone's free spaces with neighbours and campaigns in ${lang}`, async () => {
      agent.setState(state({ profile: 'parking-post' }));
      const p = await open('parking-post', `?lang=${lang}&theme=day`);
      await p.waitForSelector('[data-view="parking"] .post-num');
      expect(await p.locator('.post-zone').textContent()).toBe('P-hus Industriens Hus');
      expect(await p.locator('.post-num').textContent()).toBe('7');
      expect(await p.locator('.post-others li').count()).toBe(2);
      expect(await p.locator('[data-level="few"]').count()).toBeGreaterThan(0);
      await shot(p, 'parking-post', 'parking', lang);
      expect(await axe(p)).toEqual([]);
      await p.context().close();
    });
  }

  it('hides an expired count and shows the offline banner', async () => {
    agent.setState(
      state({ profile: 'parking-post', online: false }, (s) => {
        s.feeds.parking['industriens-hus']!.observedAt = new Date(Date.now() - 3600_000).toISOString();
      }),
    );
    const p = await open('parking-post', '?lang=en&theme=night');
    await p.waitForSelector('[data-banner="offline"]');
    expect(await p.locator('.post-num').count()).toBe(0);
    expect(await p.locator('.post-main [data-fresh="expired"]').count()).toBe(1);
    await shot(p, 'parking-post', 'parking-expired', 'en');
    expect(await axe(p)).toEqual([]);
    await p.context().close();
  });

  it('gives the whole screen to an emergency campaign', async () => {
    agent.setState(state({ profile: 'parking-post', emergency: true }));
    const p = await open('parking-post', '?lang=de');
    await p.waitForSelector('[data-view="campaign"]');
    await shot(p, 'parking-post', 'campaign', 'de');
    expect(await axe(p)).toEqual([]);
    await p.context().close();
  });
});
