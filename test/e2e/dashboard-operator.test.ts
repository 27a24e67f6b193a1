import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, USERS, api, axe, loginAs, shot, startHarness, waitFor } from './dashboard-support.ts';

/** The operator's journey: a campaign made in the UI reaches both targeted screens, counted live. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function testImage(): string {
  const png = new PNG({ width: 640, height: 360 });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (png.width * y + x) << 2;
      png.data[i] = 20 + Math.round((200 * x) / png.width);
      png.data[i + 1] = 90;
      png.data[i + 2] = 160 + Math.round((80 * y) / png.height);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png) as unknown as string;
}

/** "YYYY-MM-DDTHH:MM" in Copenhagen time, as a datetime-local input takes it. */
function copenhagenInput(ms: number): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Copenhagen',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

const hourNow = Number(copenhagenInput(Date.now()).slice(11, 13));
const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
const window = { from: hh(hourNow - 1), to: hh(hourNow + 3) };

describe('dashboard: operator', () => {
  it('makes a campaign with an uploaded image in the UI; it reaches 2 of 2 targeted screens', {
    timeout: 240_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dash-img-'));
    const imagePath = join(dir, 'harbour-swim.png');
    writeFileSync(imagePath, testImage());

    const { page, errors } = await loginAs(h, USERS.operator);
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'campaigns-empty');

    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Harbour swim week');
    await page.locator('input[name="slide-0-title-da"]').fill('Havnebadeuge');
    await page.locator('input[name="slide-0-title-en"]').fill('Harbour swim week');
    await page.locator('textarea[name="slide-0-body-da"]').fill('Gratis svømning hver dag kl. 7-9');
    await page.locator('textarea[name="slide-0-body-en"]').fill('Free swimming every day 7-9 am');

    // An image slide, uploaded with a progress bar; the server computes its sha256.
    await page.getByRole('button', { name: 'Add slide' }).click();
    const slide2 = page.locator('fieldset.slide').nth(1);
    await slide2.getByLabel('Kind').selectOption('image');
    await slide2.locator('input[name="slide-1-title-en"]').fill('See you at the harbour');
    await slide2.locator('input[name="slide-1-alt-en"]').fill('Blue gradient poster');
    await slide2.locator('input[type=file]').setInputFiles(imagePath);
    await slide2
      .getByText(/Uploaded: .* image\/png/)
      .waitFor({ timeout: 20_000 })
      .catch(async (e: unknown) => {
        throw new Error(`upload did not finish: ${await slide2.textContent()}; ${String(e)}`);
      });

    // Aim at the harbour group: the two screens with agents, not the parking post.
    await page.getByRole('checkbox', { name: 'Every screen', exact: true }).uncheck();
    await page.getByRole('checkbox', { name: 'harbour', exact: true }).check();
    await page.getByText('Reaches 2 of 3 screens').waitFor();

    // Schedule: a daily window around now (so the screens play it during the test); the editor
    // lists when that is.
    await page.getByRole('button', { name: 'Add a time of day' }).click();
    await page.getByLabel('From').fill(window.from);
    await page.getByLabel('To', { exact: true }).fill(window.to);
    await expect.poll(() => page.locator('.occurrences li').count()).toBeGreaterThan(3);

    // The live preview runs the real renderer; the info-screen frame shows the campaign's title.
    const frame = page.frameLocator('iframe[data-profile="info-screen"]');
    await frame.getByText('Havnebadeuge').first().waitFor({ timeout: 20_000 });
    expect(await axe(page)).toEqual([]);
    await shot(page, 'campaign-new');

    const pushedAt = Date.now();
    await page.getByRole('button', { name: 'Create and push' }).click();
    await page.waitForURL(/\/campaigns\/[^/]+\?created=1$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    const count = page.getByTestId('delivery-count');
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe('2 of 2 targeted screens have it');
    // A figure for the report: from the click to the delivery view counting both screens.
    console.log(`[dashboard e2e] push -> "2 of 2" shown: ${Date.now() - pushedAt} ms`);

    // The screens really hold it (manifest and verified image): each agent's own account says so.
    for (const s of h.screens.filter((x) => x.agent)) {
      const held = (await s.agent?.health())?.campaigns ?? [];
      expect(held).toContainEqual({ id, version: 1 });
    }
    expect(await axe(page)).toEqual([]);
    await shot(page, 'campaign-delivered');

    // An edit is a new version: delivery counts the new version until both have it again.
    await page.locator('input[name="slide-0-title-en"]').fill('Harbour swim week 2026');
    await page.getByRole('button', { name: 'Save and push' }).click();
    await page.getByText('Saved and pushed as version 2.').waitFor();
    await expect.poll(() => count.textContent(), { timeout: 60_000 }).toBe('2 of 2 targeted screens have it');
    await page.getByText('Counting version 2.').waitFor();

    // The list shows the delivery too.
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await expect
      .poll(() => page.getByTestId(`delivery-${id}`).textContent(), { timeout: 20_000 })
      .toBe('2 of 2 targeted screens have it');
    await shot(page, 'campaigns-list');

    // "What does screen X show at time T".
    await page.getByRole('link', { name: 'What plays when' }).click();
    await page.getByLabel('Screen').selectOption('nyhavn-kiosk');
    const playing = page
      .getByTestId('whats-result')
      .getByRole('listitem')
      .getByText('Harbour swim week 2026');
    await playing.waitFor(); // now: inside the window
    await page.getByLabel('Time (Copenhagen)').fill(copenhagenInput(Date.now() + 8 * 3600_000));
    await page.getByTestId('whats-result').getByText('No campaign plays').waitFor(); // outside it
    await page.getByRole('button', { name: 'Now', exact: true }).click();
    await playing.waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'whats-playing');
    await page.getByLabel('Screen').selectOption('radhus-parking');
    await page.getByTestId('whats-result').getByText('No campaign plays').waitFor();

    // Proof of play: the screens' renderers report plays; the report shows them and exports CSV.
    await waitFor(
      () => api<{ summary: unknown[] }>(h.url, h.adminToken, 'GET', `/api/v1/plays?campaignId=${id}`),
      (r) => r.body.summary.length > 0,
      60_000,
    );
    await page.getByRole('link', { name: 'Proof of play' }).click();
    await page.getByTestId('plays-summary').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csvPath = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('hour,screenId,campaignId,campaignVersion,plays,seconds');
    expect(csv).toContain(`,${id},`);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'plays');
    expect(errors).toEqual([]);
  });

  it('cannot reach the users page, and the server refuses it too', async () => {
    const { page } = await loginAs(h, USERS.operator);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect.poll(() => nav.getByRole('link').allTextContents()).not.toContain('Users');
    expect(await nav.getByRole('link').allTextContents()).not.toContain('Fleet');
    await page.goto(`${h.url}/users`);
    await page.getByRole('heading', { name: 'Not available for your role' }).waitFor();
    expect(await page.getByTestId('users').count()).toBe(0);
    await shot(page, 'operator-users-forbidden');
    // The server refuses the operator's own session, from the page itself.
    const status = await page.evaluate(async () => {
      const s = JSON.parse(sessionStorage.getItem('stander.session') ?? '{}') as { token: string };
      const get = await fetch('/api/v1/users', { headers: { authorization: `Bearer ${s.token}` } });
      const post = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'mallory', role: 'admin', password: 'mallory-pass-1' }),
      });
      const audit = await fetch('/api/v1/audit', { headers: { authorization: `Bearer ${s.token}` } });
      const command = await fetch('/api/v1/screens/nyhavn-kiosk/commands', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'reboot' }),
      });
      return [get.status, post.status, audit.status, command.status];
    });
    expect(status).toEqual([403, 403, 403, 403]);
    const users = await api<{ users: Array<{ username: string }> }>(
      h.url,
      h.adminToken,
      'GET',
      '/api/v1/users',
    );
    expect(users.body.users.map((u) => u.username)).not.toContain('mallory');
  });
});
