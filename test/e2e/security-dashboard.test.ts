import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../control-server/log.ts';
import { type StanderServer, startServer } from '../../control-server/server.ts';
import { launch } from './support/browser.ts';

/**
 * Script and HTML in campaign names and slide text are inert in the dashboard: shown as text
 * in the list and the detail page, no dialog, no handler run, no element created from them.
 */
const PASSWORD = 'dashboard-xss-admin-pw';
const NAME = '<img src=x onerror="window.__pwned=1;alert(1)">Harbour';
const TITLE = '<script>window.__pwned=2;alert(2)</script><svg onload=alert(3)>';
let dir: string;
let server: StanderServer;
let browser: Browser;
let campaignId = '';
let dialogs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stander-dash-xss-'));
  server = await startServer({
    dataDir: join(dir, 'server'),
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: PASSWORD,
    log: silentLogger(),
  });
  const login = await fetch(`${server.httpUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const r = await fetch(`${server.httpUrl}/api/v1/campaigns`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: NAME,
      target: { all: true },
      slides: [{ kind: 'text', title: { en: TITLE, da: TITLE }, body: { en: NAME }, durationS: 5 }],
    }),
  });
  expect(r.status).toBe(201);
  campaignId = ((await r.json()) as { id: string }).id;
  browser = await launch();
});

afterAll(async () => {
  console.info(`FIGURES dashboard-xss: dialogs=${dialogs}`);
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function signIn(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const page = await ctx.newPage();
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto(`${server.httpUrl}/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForSelector('nav[aria-label]');
  return page;
}

async function inert(page: Page): Promise<void> {
  await page.mouse.move(300, 300);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('main img[src="x"], main svg[onload], main script').count()).toBe(0);
  expect(dialogs).toBe(0);
}

describe('campaign text in the dashboard', () => {
  it('is shown literally in the campaign list', async () => {
    const page = await signIn();
    await page.goto(`${server.httpUrl}/campaigns`);
    await page.getByText(NAME, { exact: false }).first().waitFor();
    await inert(page);
    await page.context().close();
  });

  it('is shown literally on the campaign page', async () => {
    const page = await signIn();
    await page.goto(`${server.httpUrl}/campaigns/${campaignId}`);
    await page.getByText(NAME, { exact: false }).first().waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(NAME);
    await inert(page);
    await page.context().close();
  });
});
