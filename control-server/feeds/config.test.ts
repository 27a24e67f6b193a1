import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandEnv, loadFeedsConfig } from './config.ts';
import { REPO_ROOT } from './testing.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'stander-feeds-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(json: unknown): Promise<unknown> {
  const f = path.join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  await writeFile(f, typeof json === 'string' ? json : JSON.stringify(json));
  return loadFeedsConfig(f);
}

const src = (extra: Record<string, unknown> = {}) => ({
  id: 'a',
  kind: 'water',
  format: 'bathing-water',
  input: { file: 'x.json' },
  ...extra,
});

describe('content/feeds.json', () => {
  it('the shipped configuration is valid: four demo sources on, the network examples off', async () => {
    const { config, baseDir } = await loadFeedsConfig(path.join(REPO_ROOT, 'content/feeds.json'));
    expect(baseDir).toBe(path.join(REPO_ROOT, 'content'));
    expect(config.sources.filter((s) => s.enabled).map((s) => [s.id, s.demo])).toEqual([
      ['demo-transport', true],
      ['demo-parking', true],
      ['demo-water', true],
      ['demo-events', true],
    ]);
    expect(config.sources.filter((s) => !s.enabled).every((s) => 'url' in s.input)).toBe(true);
  });

  it('applies defaults', async () => {
    const { config } = (await load({ version: 1, sources: [src()] })) as Awaited<
      ReturnType<typeof loadFeedsConfig>
    >;
    expect(config.sources[0]).toMatchObject({
      enabled: true,
      intervalS: 60,
      maxBackoffS: 900,
      demo: false,
      inputs: {},
      options: {},
    });
  });

  it('names the file and the field of every mistake', async () => {
    await expect(load('{ nope')).rejects.toThrow(/c\w+\.json: not valid JSON/);
    await expect(load({ version: 2, sources: [] })).rejects.toThrow(/version: /);
    await expect(load({ version: 1, sources: [src({ format: 'csv' })] })).rejects.toThrow(
      /sources\.0\.format: must be one of/,
    );
    await expect(load({ version: 1, sources: [src({ kind: 'parking' })] })).rejects.toThrow(
      /sources\.0\.format: format does not produce this kind of feed/,
    );
    await expect(load({ version: 1, sources: [src({ id: 'a/b' })] })).rejects.toThrow(
      /sources\.0\.id: may only contain/,
    );
    await expect(load({ version: 1, sources: [src(), src()] })).rejects.toThrow(
      /sources: source ids must be unique/,
    );
    await expect(load({ version: 1, sources: [src({ input: { url: 'ftp://x' } })] })).rejects.toThrow(
      /sources\.0\.input/,
    );
    await expect(loadFeedsConfig(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: ENOENT/);
  });

  it('expands placeholders from the environment and refuses unset ones', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} placeholder syntax of feeds.json
    expect(expandEnv('https://x/?key=${K1}', { K1: 'abc' })).toBe('https://x/?key=abc');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} placeholder syntax of feeds.json
    expect(() => expandEnv('${NOPE_NOT_SET}', {})).toThrow(/environment variable NOPE_NOT_SET is not set/);
  });
});
