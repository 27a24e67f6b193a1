import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUnreadable, putFile, tempRoot } from './test-tree.ts';
import { Watchdog } from './watchdog.ts';

let root: string;
beforeEach(async () => {
  root = await tempRoot();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('Watchdog', () => {
  it('keeps alive periodically and disarms with the magic V on a clean stop', async () => {
    await putFile(root, 'dev/watchdog', '');
    const wd = new Watchdog({ root, intervalMs: 20 });
    expect(await wd.start()).toEqual({ ok: true, value: true });
    expect(wd.status.armed).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    await wd.stop();
    const written = await readFile(join(root, 'dev/watchdog'), 'latin1');
    expect(written.endsWith('V')).toBe(true);
    const kicks = written.slice(0, -1);
    expect(kicks.length).toBeGreaterThanOrEqual(3);
    expect(kicks).toMatch(/^\0+$/);
    expect(wd.status).toMatchObject({ armed: false, kicks: kicks.length });
  });

  it('stops kicking while the app is unhealthy, and skips the magic close on a crash-like stop', async () => {
    await putFile(root, 'dev/watchdog', '');
    let healthy = true;
    const wd = new Watchdog({ root, intervalMs: 1_000_000, healthy: () => healthy });
    await wd.start();
    healthy = false;
    expect(await wd.kick()).toBe(false);
    healthy = true;
    expect(await wd.kick()).toBe(true);
    await wd.stop(false);
    expect(await readFile(join(root, 'dev/watchdog'), 'latin1')).toBe('\0\0');
  });

  it('fails with ENOENT and does not create the device when it is missing', async () => {
    const wd = new Watchdog({ root });
    expect(await wd.start()).toEqual({ ok: false, error: 'ENOENT' });
    expect(wd.status).toEqual({ armed: false, kicks: 0, lastError: 'ENOENT' });
    await expect(readFile(join(root, 'dev/watchdog'))).rejects.toThrow(/ENOENT/);
    await wd.stop();
  });

  it('fails cleanly when the device cannot be opened', async () => {
    const code = await makeUnreadable(root, 'dev/watchdog');
    const wd = new Watchdog({ root });
    const r = await wd.start();
    expect(r.ok).toBe(false);
    // a directory cannot be opened for writing (EISDIR); a chmod 000 file gives EACCES
    expect(r).toEqual({ ok: false, error: code });
  });
});
