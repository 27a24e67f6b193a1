import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type StanderServer, startServer } from '../../../control-server/server.ts';

export const MOBILE_SHOTS = join(import.meta.dirname, '../../../test-results/mobile');
export const PHONE = { width: 360, height: 740 } as const;
export const LANGS = ['da', 'en', 'de'] as const;

/** A real control server (embedded broker, HTTP with /m/ and /mqtt) running the demo feeds. */
export async function startMobileServer(
  opts: { mobileBaseUrl?: string } = {},
): Promise<{ server: StanderServer; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stander-mobile-'));
  const server = await startServer({
    dataDir,
    httpPort: 0,
    mqttPort: 0,
    host: '127.0.0.1',
    adminPassword: 'mobile-test-admin-password',
    log: pino({ level: 'silent' }),
    feeds: true,
    ...opts,
  });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A phone: 360x740, touch, Copenhagen time. */
export async function phone(browser: Browser, locale = 'da-DK'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    reducedMotion: 'reduce',
    timezoneId: 'Europe/Copenhagen',
    locale,
  });
}

export async function mobileShot(page: Page, name: string): Promise<void> {
  mkdirSync(MOBILE_SHOTS, { recursive: true });
  await page.screenshot({ path: join(MOBILE_SHOTS, `${name}.png`), fullPage: true });
}
