import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KioskState } from '../../kiosk/bridge/types.ts';
import { demoState } from '../../kiosk/renderer/src/fixtures/demo-state.ts';
import { launch, openPage } from './support/browser.ts';
import { type FixtureAgent, startFixtureAgent } from './support/fixture-agent.ts';

/**
 * Kiosk lockdown in the page itself (the shells' navigation and window rules are
 * start-lockdown.test.ts): the UI server sends a strict Content-Security-Policy, the built
 * renderer runs under it without a single violation (so it needs no eval: zod runs jitless),
 * markup in campaign text is shown as text and never runs, injected inline script and frames are
 * refused, other origins and file:// are unreachable, and there is no Node in the page. (Code
 * that Playwright evaluates is exempt from CSP, so eval itself is not probed from here.)
 */
const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1;alert(1)">Storm';
const HOSTILE_BODY = '<script>window.__pwned=2;alert(2)</script><b onmouseover=alert(3)>bold</b>';

let browser: Browser;
let agent: FixtureAgent;
const figures = { dialogs: 0, violations: 0, pageErrors: 0 };

function hostileState(): KioskState {
  const s = demoState(Date.now(), { profile: 'info-screen', emergency: true });
  const em = s.playlist.emergency;
  if (!em) throw new Error('demo state has no emergency');
  for (const slide of [...em.campaign.slides, ...em.items.map((i) => i.slide)]) {
    if (slide.kind !== 'text') continue;
    slide.title = { da: HOSTILE_TITLE, en: HOSTILE_TITLE, de: HOSTILE_TITLE };
    slide.body = { da: HOSTILE_BODY, en: HOSTILE_BODY, de: HOSTILE_BODY };
  }
  return s;
}

async function open(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await openPage(browser, `${agent.url}?lang=en`, 'info-screen');
  page.on('dialog', (d) => {
    figures.dialogs++;
    void d.dismiss();
  });
  page.on('pageerror', () => {
    figures.pageErrors++;
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      );
    });
  });
  await page.reload();
  await page.waitForSelector('[data-view]');
  return {
    page,
    violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
  };
}

beforeAll(async () => {
  agent = await startFixtureAgent(hostileState());
  browser = await launch();
});
afterAll(async () => {
  console.info(
    `FIGURES kiosk-lockdown: dialogs=${figures.dialogs} cspViolations(expected ones)=${figures.violations} pageErrors=${figures.pageErrors}`,
  );
  await browser?.close();
  await agent?.close();
});

describe('kiosk page lockdown', () => {
  it('sends a strict Content-Security-Policy with every response', async () => {
    for (const p of ['', 'assets/does-not-exist.js', 'bridge']) {
      const r = await fetch(`${agent.url}${p}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-eval');
      // Scripts: this origin only, never inline (styles may be inline: they run no code).
      expect(/script-src ([^;]*)/.exec(csp)?.[1]).toBe("'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('the built renderer runs under it without a violation, and campaign markup stays text', async () => {
    const { page, violations } = await open();
    const view = page.locator('[data-view="campaign"]');
    await view.waitFor();
    const text = (await view.textContent()) ?? '';
    expect(text).toContain(HOSTILE_TITLE);
    expect(text).toContain(HOSTILE_BODY);
    expect(await view.locator('img[src="x"], script, b').count()).toBe(0);
    await page.mouse.move(400, 400);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(figures.dialogs).toBe(0);
    expect(await violations()).toEqual([]);
    await page.context().close();
  });

  it('refuses injected inline script and frames, other origins and file://, and has no Node', async () => {
    const { page, violations } = await open();
    const r = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      const tryFetch = async (u: string) => {
        try {
          await fetch(u);
          return 'reached';
        } catch {
          return 'refused';
        }
      };
      const frame = document.createElement('iframe');
      frame.src = 'https://example.com/';
      document.body.append(frame);
      await new Promise((res) => setTimeout(res, 300));
      return {
        inline: w.__inline ?? null,
        otherOrigin: await tryFetch('http://127.0.0.1:9/x'),
        otherHost: await tryFetch('https://example.com/'),
        file: await tryFetch('file:///etc/passwd'),
        node: typeof (w as { process?: unknown }).process + typeof (w as { require?: unknown }).require,
      };
    });
    expect(r).toEqual({
      inline: null,
      otherOrigin: 'refused',
      otherHost: 'refused',
      file: 'refused',
      node: 'undefinedundefined',
    });
    const v = await violations();
    figures.violations += v.length;
    expect(v.some((x) => x.startsWith('script-src'))).toBe(true);
    expect(v.some((x) => x.startsWith('connect-src'))).toBe(true);
    expect(
      v.some((x) => x.startsWith('frame-src') || x.startsWith('child-src') || x.startsWith('default-src')),
    ).toBe(true);
    await page.context().close();
  });
});
