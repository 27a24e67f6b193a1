import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePayload, FeedSnapshotSchema, topics } from '../../protocol/index.ts';
import { samplePayloads } from '../../protocol/samples.ts';
import { type Harness, USERS, api, axe, loginAs, shot, startHarness } from './dashboard-support.ts';

/** The technician's journey: fleet map and list, an alert acknowledged, reload and screenshot with results. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ feeds: true });
});
afterAll(async () => {
  await h?.close();
});

describe('dashboard: technician', () => {
  it('sees the fleet, acknowledges a temperature alert, sends reload and sees its result', {
    timeout: 240_000,
  }, async () => {
    const [nyhavn, brygge] = h.screens;
    if (!nyhavn?.agent || !brygge?.agent) throw new Error('harness has no agents');
    const { page, errors } = await loginAs(h, USERS.technician);
    expect(new URL(page.url()).pathname).toBe('/fleet');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).not.toContain('Campaigns');

    // Two agents online, the parking post never connected.
    const list = page.getByTestId('fleet-list');
    const row = (name: string) => list.getByRole('row').filter({ hasText: name });
    await expect.poll(() => row('Nyhavn kiosk').textContent(), { timeout: 30_000 }).toContain('Online');
    await expect.poll(() => row('Islands Brygge').textContent()).toContain('Online');
    expect(await row('Rådhuspladsen').textContent()).toContain('Offline');

    // The kiosk runs hot: its health report raises an alert and it shows as degraded, live.
    nyhavn.hardware.temperatureC = 81;
    await nyhavn.agent.core.reportHealth();
    await expect.poll(() => row('Nyhavn kiosk').textContent(), { timeout: 30_000 }).toContain('Degraded');
    await page.getByText('Degraded: 1').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'fleet');

    // Filters: by state.
    await page.getByRole('combobox', { name: /^State/ }).selectOption('offline');
    await expect.poll(() => list.getByRole('row').count()).toBe(2); // header + the parking post
    await page.getByRole('combobox', { name: /^State/ }).selectOption('');

    // The alert, acknowledged.
    await nav.getByRole('link', { name: 'Alerts' }).click();
    const alerts = page.getByTestId('alerts');
    await alerts.getByText('Hot: 81 °C').waitFor();
    expect(await axe(page)).toEqual([]);
    await alerts.getByRole('button', { name: 'Acknowledge' }).click();
    await alerts.getByText(/acknowledged by theo/).waitFor();
    await shot(page, 'alerts');
    const stored = await api<{ alerts: Array<{ kind: string; acknowledged: { by: string } | null }> }>(
      h.url,
      h.adminToken,
      'GET',
      '/api/v1/alerts',
    );
    expect(stored.body.alerts.find((a) => a.kind === 'temperature')?.acknowledged?.by).toBe('theo');

    // The screen's page: reload, with its result from the screen.
    await alerts.getByRole('link', { name: 'nyhavn-kiosk' }).click();
    await page.getByRole('heading', { name: 'Nyhavn kiosk', level: 1 }).waitFor();
    // Its theme setting and what its map draws (no tiles file configured: the built-in base map).
    const fact = (name: string) =>
      page
        .locator('dl > div', { has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) })
        .locator('dd');
    expect(await fact('Theme').textContent()).toBe('Automatic (light sensor, else the sun)');
    await expect.poll(() => fact('Map').textContent()).toBe('Built-in base map');
    const before = nyhavn.agent.getState().reloadSeq;
    await page.getByRole('button', { name: 'Reload', exact: true }).click();
    const results = page.getByTestId('command-results');
    const reloadRow = results.locator('tr[data-command="reload"]');
    await expect
      .poll(() => reloadRow.textContent(), { timeout: 30_000 })
      .toMatch(/✓ done — UI reload requested/);
    expect(nyhavn.agent.getState().reloadSeq).toBe(before + 1);

    // A screenshot, taken by the screen's shell (its renderer in Chromium), uploaded and shown.
    await page.getByRole('button', { name: 'Take screenshot' }).click();
    await expect
      .poll(() => results.locator('tr[data-command="screenshot"]').textContent(), { timeout: 30_000 })
      .toMatch(/✓ done/);
    await page.getByTestId('screenshot').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('screenshot').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      540,
    );

    // Health history charts get points from health reports.
    nyhavn.hardware.temperatureC = 64;
    await nyhavn.agent.core.reportHealth();
    await page.locator('canvas[role="img"]').first().waitFor();
    expect(await page.locator('canvas[role="img"]').count()).toBe(3);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'screen');

    // The server refuses what a technician may not do.
    const refused = await page.evaluate(async () => {
      const s = JSON.parse(sessionStorage.getItem('stander.session') ?? '{}') as { token: string };
      const post = await fetch('/api/v1/campaigns', {
        method: 'POST',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'x',
          target: { all: true },
          slides: [{ kind: 'text', title: { en: 'x' }, durationS: 5 }],
        }),
      });
      const plays = await fetch('/api/v1/plays', { headers: { authorization: `Bearer ${s.token}` } });
      return [post.status, plays.status];
    });
    expect(refused).toEqual([403, 403]);
    expect(errors).toEqual([]);
  });

  it('shows each feed with its freshness', async () => {
    const samples = samplePayloads();
    const now = Date.now();
    const at = (ago: number) => ({
      observedAt: new Date(now - ago).toISOString(),
      fetchedAt: new Date(now).toISOString(),
    });
    const fresh = FeedSnapshotSchema.parse({
      ...samples['feed-transport'],
      stopId: 'test-stop',
      ...at(20_000),
    });
    const stale = FeedSnapshotSchema.parse({
      ...samples['feed-water'],
      siteId: 'test-site',
      ...at(2 * 3600_000),
    });
    const retained = { retain: true, qos: 1 } as const;
    await h.server.bus.publish(
      topics.feed('transport', 'test-stop'),
      encodePayload(FeedSnapshotSchema, fresh),
      retained,
    );
    await h.server.bus.publish(
      topics.feed('water', 'test-site'),
      encodePayload(FeedSnapshotSchema, stale),
      retained,
    );
    const { page } = await loginAs(h, USERS.technician);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feeds' }).click();
    const table = page.getByRole('table').first();
    const feedRow = (id: string) => table.getByRole('row').filter({ hasText: id });
    await expect.poll(() => feedRow('test-stop').count(), { timeout: 20_000 }).toBe(1);
    expect(await feedRow('test-stop').textContent()).toContain('Fresh');
    expect(await feedRow('test-site').textContent()).toContain('Stale');
    // The poller's own account of its (demo) sources.
    const sources = page.getByTestId('feed-sources');
    await expect
      .poll(() => sources.getByRole('row').filter({ hasText: 'demo-transport' }).textContent())
      .toContain('OK');
    expect(await axe(page)).toEqual([]);
    await shot(page, 'feeds');
  });

  it('works on a tablet', async () => {
    const { page } = await loginAs(h, USERS.technician, { device: 'tablet' });
    await page.getByTestId('fleet-list').waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'fleet-tablet');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(820); // no sideways scrolling
  });
});
