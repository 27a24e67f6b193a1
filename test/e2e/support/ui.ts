import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const SCREENS = join(import.meta.dirname, '../../../test-results/screens');

export async function shot(page: Page, profile: string, view: string, lang: string): Promise<string> {
  mkdirSync(SCREENS, { recursive: true });
  const path = join(SCREENS, `${profile}-${view}-${lang}.png`);
  await page.screenshot({ path });
  return path;
}

/** WCAG 2.2 A/AA violations plus the enhanced (7:1) contrast rule; returns readable summaries. */
export async function axe(page: Page): Promise<string[]> {
  const aa = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const aaa = await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze();
  return [...aa.violations, ...aaa.violations].map(
    (v) =>
      `${v.id}: ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 4)
        .join(' | ')}`,
  );
}

export async function view(page: Page): Promise<string | null> {
  return page.getAttribute('[data-view]', 'data-view');
}
