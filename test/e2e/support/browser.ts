import { type Browser, chromium, type Page } from 'playwright-core';

export const PROFILES = {
  'street-kiosk': { width: 1080, height: 1920 },
  'info-screen': { width: 1920, height: 1080 },
  'parking-post': { width: 800, height: 480 },
} as const;
export type Profile = keyof typeof PROFILES;

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--font-render-hinting=none',
    ],
  });
}

export async function openPage(
  browser: Browser,
  url: string,
  profile: Profile,
  reducedMotion = true,
): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: PROFILES[profile],
    deviceScaleFactor: 1,
    hasTouch: profile !== 'info-screen',
    reducedMotion: reducedMotion ? 'reduce' : 'no-preference',
    timezoneId: 'Europe/Copenhagen',
    locale: 'da-DK',
  });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(url);
  return page;
}
