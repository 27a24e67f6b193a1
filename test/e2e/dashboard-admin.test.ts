import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  type Harness,
  USERS,
  api,
  axe,
  loginAs,
  shot,
  startHarness,
} from './dashboard-support.ts';

/** The admin's journey: users, the audit log, and the whole dashboard in Danish. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
const admin = { username: 'admin', password: ADMIN_PASSWORD };

describe('dashboard: admin', () => {
  it('has an accessible login page that refuses a wrong password', async () => {
    const ctx = await h.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
    const page = await ctx.newPage();
    await page.goto(`${h.url}/campaigns`);
    await page.getByRole('heading', { name: 'Sign in to Stander' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    // The right one lands on the page that was asked for.
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/campaigns');
    await ctx.close();
  });

  it('manages users; a disabled user is logged out and cannot log in', { timeout: 240_000 }, async () => {
    const { page, errors } = await loginAs(h, admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Campaigns',
      'What plays when',
      'Fleet',
      'Alerts',
      'Feeds',
      'Proof of play',
      'Audit log',
      'Users',
    ]);
    await nav.getByRole('link', { name: 'Users' }).click();
    const table = page.getByTestId('users');
    await table.getByRole('cell', { name: USERS.operator.username, exact: true }).waitFor();

    const form = page
      .getByRole('form', { name: 'New user' })
      .or(page.locator('form').filter({ hasText: 'New user' }));
    await form.getByLabel('Username').fill('ulla');
    await form.getByRole('combobox', { name: /^Role/ }).selectOption('technician');
    await form.getByLabel('Password').fill('ulla-password-1');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('User ulla created.').waitFor();
    const row = table.getByRole('row').filter({ hasText: 'ulla' });
    await row.getByRole('combobox', { name: 'Role of ulla' }).selectOption('operator');
    await page.getByText('User ulla updated.').waitFor();

    // ulla logs in, then is disabled by the admin: her session ends and she cannot log in again.
    const ulla = await loginAs(h, { username: 'ulla', password: 'ulla-password-1' });
    expect(new URL(ulla.page.url()).pathname).toBe('/campaigns');
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => row.textContent()).toContain('Disabled');
    const after = await ulla.page.evaluate(async () => {
      const s = JSON.parse(sessionStorage.getItem('stander.session') ?? '{}') as { token: string };
      return (await fetch('/api/v1/campaigns', { headers: { authorization: `Bearer ${s.token}` } })).status;
    });
    expect(after).toBe(401);
    const relogin = await fetch(`${h.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ulla', password: 'ulla-password-1' }),
    });
    expect(relogin.status).toBe(401);
    // The admin cannot lock themselves out.
    const self = await api(h.url, h.adminToken, 'PUT', '/api/v1/users/admin', { role: 'operator' });
    expect(self.status).toBe(409);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'users');

    // The audit log, searchable: every one of those changes is there, with who did it.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('searchbox').fill('user:ulla');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const audit = page.getByTestId('audit');
    await expect.poll(() => audit.getByRole('row').count()).toBeGreaterThanOrEqual(4); // header + 3
    const text = await audit.textContent();
    for (const action of ['user.create', 'user.update']) expect(text).toContain(action);
    await page.getByRole('searchbox').fill('user:admin');
    await page.getByRole('combobox', { name: /^Outcome/ }).selectOption('invalid');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => audit.textContent()).toContain('Invalid (409)');
    expect(await axe(page)).toEqual([]);
    await shot(page, 'audit');
    expect(errors).toEqual([]);
  });

  it('is in Danish for a Danish browser, every page axe-clean', { timeout: 240_000 }, async () => {
    const { page, errors } = await loginAs(h, admin, { lang: 'da' });
    const nav = page.getByRole('navigation', { name: 'Hovedmenu' });
    await page.getByRole('heading', { name: 'Kampagner', level: 1 }).waitFor();
    const pages: Array<[string, string]> = [
      ['Kampagner', 'campaigns-da'],
      ['Hvad vises hvornår', 'whats-playing-da'],
      ['Skærme', 'fleet-da'],
      ['Alarmer', 'alerts-da'],
      ['Datakilder', 'feeds-da'],
      ['Visningsrapport', 'plays-da'],
      ['Revisionslog', 'audit-da'],
      ['Brugere', 'users-da'],
    ];
    for (const [link, name] of pages) {
      await nav.getByRole('link', { name: link, exact: true }).click();
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(await axe(page), name).toEqual([]);
      await shot(page, name, false);
    }
    await nav.getByRole('link', { name: 'Kampagner', exact: true }).click();
    await page.getByRole('link', { name: 'Ny kampagne' }).click();
    await page.getByRole('heading', { name: 'Ny kampagne', level: 1 }).waitFor();
    await page.getByRole('radio', { name: 'Nødmeddelelse' }).check();
    await page.getByLabel('Navn', { exact: true }).fill('Stormflod');
    await page.locator('input[name="slide-0-title-da"]').fill('Stormflod: hold dig væk fra kajen');
    await page.getByRole('button', { name: 'Opret og send' }).click();
    // Emergency asks first; cancelling sends nothing.
    const dialog = page.getByRole('dialog', { name: 'Send en nødmeddelelse?' });
    await dialog.waitFor();
    expect(await axe(page)).toEqual([]);
    await shot(page, 'campaign-emergency-confirm-da', false);
    await dialog.getByRole('button', { name: 'Annuller' }).click();
    const list = await api<{ campaigns: unknown[] }>(h.url, h.adminToken, 'GET', '/api/v1/campaigns');
    expect(list.body.campaigns).toEqual([]);
    // Switch language in the top bar.
    await page.getByRole('combobox', { name: 'Sprog', exact: true }).selectOption('en');
    await page.getByRole('heading', { name: 'New campaign', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(errors).toEqual([]);
  });
});
