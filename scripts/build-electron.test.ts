import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('scripts/build-electron.mjs', () => {
  it('bundles an ESM main and a self-contained CommonJS preload that requires only electron', async () => {
    const out = await mkdtemp(join(tmpdir(), 'stander-be-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--out', out], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const preload = await readFile(join(out, 'preload.cjs'), 'utf8');
      expect(preload).toContain('exposeInMainWorld("stander"');
      expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
      const main = await readFile(join(out, 'main.mjs'), 'utf8');
      expect(main).toMatch(/from "electron"/);
      expect(main).toContain('startElectronShell');
      expect(main).toContain('contextIsolation: true');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
