import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdapterContext } from './types.ts';

/** Repository root (this file is control-server/feeds/testing.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared real-world fixtures (../shared/fixtures relative to the repository root; never copied in). */
export const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures');

export function fixture(rel: string): Buffer {
  return readFileSync(path.join(FIXTURES, rel));
}

/** A context for adapter tests: a fixed clock and a source name. */
export function ctxAt(iso: string, extra: Partial<AdapterContext> = {}): AdapterContext {
  return { source: 'test', fetchedAt: new Date(iso), ...extra };
}
