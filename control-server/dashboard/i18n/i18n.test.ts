import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_TYPES, PrioritySchema, RoleSchema, ScreenProfileSchema } from '../../../protocol/index.ts';
import { ALERT_KINDS } from '../../fleet/alerts.ts';
import { AuditOutcomeSchema } from '../../store/schema.ts';
import { PAGES } from '../src/roles.ts';
import da from './da.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

type Tree = { [k: string]: string | Tree };

function keys(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`),
  );
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) && !f.endsWith('.test.ts') ? [p] : [];
  });
}

const src = join(import.meta.dirname, '../src');
const used = new Set<string>();
for (const file of sources(src)) {
  for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(m[1] ?? '');
}
// Keys built at run time from a known set of values.
const dynamic = [
  ...RoleSchema.options.map((r) => `role.${r}`),
  ...['online', 'degraded', 'offline'].map((s) => `state.${s}`),
  ...ScreenProfileSchema.options.map((p) => `profile.${p}`),
  ...PrioritySchema.options.map((p) => `priority.${p}`),
  ...['text', 'image', 'video'].map((k) => `campaign.kind.${k}`),
  ...ALERT_KINDS.flatMap((k) => [`alertKind.${k}`, `alertKindName.${k}`]),
  ...['warning', 'critical'].map((s) => `severity.${s}`),
  ...['fresh', 'stale', 'expired', 'missing'].map((s) => `freshness.${s}`),
  ...['transport', 'parking', 'water', 'events'].map((k) => `feedKind.${k}`),
  ...AuditOutcomeSchema.options.map((o) => `outcome.${o}`),
  ...COMMAND_TYPES.map((c) => `commands.type.${c}`),
  ...PAGES.map((p) => p.label),
];

describe('dashboard translations', () => {
  it('has the same keys in Danish and English', () => {
    expect(keys(da as Tree).sort()).toEqual(keys(en as Tree).sort());
  });

  it('has every key the UI uses, in both languages, and no empty text', () => {
    const all = [...used, ...dynamic];
    expect(used.size).toBeGreaterThan(150);
    for (const [name, tree] of [
      ['da', da],
      ['en', en],
    ] as const) {
      const have = new Set(keys(tree as Tree));
      expect(
        all.filter((k) => !have.has(k)),
        name,
      ).toEqual([]);
      expect(
        keys(tree as Tree).filter((k) => k.split('.').reduce<unknown>((o, p) => (o as Tree)[p], tree) === ''),
      ).toEqual([]);
    }
  });

  it('keeps interpolations the same in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const get = (t: Tree, k: string) => k.split('.').reduce<unknown>((o, p) => (o as Tree)[p], t) as string;
    for (const k of keys(en as Tree)) expect(vars(get(da as Tree, k)), k).toEqual(vars(get(en as Tree, k)));
  });
});
