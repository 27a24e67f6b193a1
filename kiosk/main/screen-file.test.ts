import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempRoot } from '../../hardware/test-tree.ts';
import { readScreenFile, type ScreenFile, writeScreenFile } from './screen-file.ts';
import { parseDisplays, pickShell, readShellSettings } from './settings.ts';

const sample: ScreenFile = {
  screenId: 'kiosk-torvet',
  token: 'tok_0123456789abcdef0123',
  serverUrl: 'https://stander.example.dk',
  mqttUrl: 'mqtts://stander.example.dk:8883',
  name: 'Torvet',
  profile: 'street-kiosk',
  provisionedAt: '2026-11-26T12:00:00.000Z',
};

let dir: string;
beforeEach(async () => {
  dir = await tempRoot();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('screen file', () => {
  it('is written atomically with mode 0600 and reads back', async () => {
    const path = join(dir, 'etc/stander/screen.json');
    await writeScreenFile(path, sample);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readScreenFile(path)).toEqual(sample);
    await writeScreenFile(path, { ...sample, name: 'Torvet 2' });
    expect((await readScreenFile(path)).name).toBe('Torvet 2');
    expect(await readdir(join(dir, 'etc/stander'))).toEqual(['screen.json']);
  });

  it('can hand the file to the kiosk service user (as root)', async () => {
    if (process.getuid?.() !== 0) return console.warn('chown test needs root: skipped');
    const path = join(dir, 'owned.json');
    await writeScreenFile(path, sample, { uid: 65534, gid: 65534 });
    const st = await stat(path);
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([65534, 65534, 0o600]);
  });

  it('refuses a file that group or others can read, and an invalid one', async () => {
    const path = join(dir, 'screen.json');
    await writeScreenFile(path, sample);
    await chmod(path, 0o644);
    await expect(readScreenFile(path)).rejects.toThrow(/readable by group or others/);
    await writeFile(path, JSON.stringify({ ...sample, token: 'short' }), { mode: 0o600 });
    await chmod(path, 0o600);
    await expect(readScreenFile(path)).rejects.toThrow(/not a valid screen file/);
  });

  it('rejects invalid data before touching the disk', async () => {
    const path = join(dir, 'screen.json');
    await expect(writeScreenFile(path, { ...sample, profile: 'toaster' as never })).rejects.toThrow();
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });
});

describe('shell settings', () => {
  it('reads the identity from the environment, else from the screen file', async () => {
    const path = join(dir, 'screen.json');
    await writeScreenFile(path, sample);
    const fromFile = await readShellSettings({ STANDER_SCREEN_FILE: path, STANDER_SHELL: 'none', HOME: dir });
    expect(fromFile).toMatchObject({
      screenId: 'kiosk-torvet',
      serverUrl: 'https://stander.example.dk',
      mqttUrl: 'mqtts://stander.example.dk:8883',
      uiPort: 8090,
      shell: 'none',
    });
    const fromEnv = await readShellSettings({
      STANDER_SCREEN_ID: 'x1',
      STANDER_SCREEN_TOKEN: 't',
      STANDER_UI_PORT: '0',
      STANDER_CACHE_DIR: '/var/cache/x1',
    });
    expect(fromEnv).toMatchObject({ screenId: 'x1', uiPort: 0, cacheDir: '/var/cache/x1', mapTiles: null });
    const withTiles = await readShellSettings({
      STANDER_SCREEN_ID: 'x1',
      STANDER_SCREEN_TOKEN: 't',
      STANDER_MAP_TILES: '/srv/maps/cph.pmtiles',
    });
    expect(withTiles.mapTiles).toBe('/srv/maps/cph.pmtiles');
    await expect(readShellSettings({ STANDER_SCREEN_FILE: join(dir, 'none.json') })).rejects.toThrow(
      /ENOENT/,
    );
    await expect(
      readShellSettings({ STANDER_SCREEN_ID: 'x', STANDER_SCREEN_TOKEN: 't', STANDER_UI_PORT: '70000' }),
    ).rejects.toThrow(/invalid port/);
  });

  it('picks electron where its binary exists, else chromium, unless STANDER_SHELL says otherwise', () => {
    expect(pickShell({}, () => true)).toBe('electron');
    expect(pickShell({}, () => false)).toBe('chromium');
    expect(pickShell({ STANDER_SHELL: 'none' }, () => true)).toBe('none');
    expect(() => pickShell({ STANDER_SHELL: 'firefox' }, () => true)).toThrow(/invalid STANDER_SHELL/);
    expect(parseDisplays('0, 2')).toEqual([0, 2]);
    expect(parseDisplays(undefined)).toBe('primary');
    expect(() => parseDisplays('x')).toThrow();
  });
});

describe('chromium arguments', () => {
  it('are kiosk app mode with the safe flags, or a sized app window for the desktop demo', async () => {
    const { chromiumArgs, SAFE_FLAGS } = await import('./chromium-process.ts');
    const base = { url: 'http://127.0.0.1:8090/', userDataDir: '/tmp/p', headless: false, noSandbox: false };
    const kiosk = chromiumArgs(base);
    expect(kiosk.slice(0, 2)).toEqual(['--kiosk', '--app=http://127.0.0.1:8090/']);
    expect(kiosk).toEqual(
      expect.arrayContaining([...SAFE_FLAGS, '--user-data-dir=/tmp/p', '--remote-debugging-port=0']),
    );
    for (const f of [
      '--disable-pinch',
      '--overscroll-history-navigation=0',
      '--noerrdialogs',
      '--no-first-run',
    ]) {
      expect(kiosk).toContain(f);
    }
    expect(kiosk).not.toContain('--headless');
    const demo = chromiumArgs({
      ...base,
      kiosk: false,
      windowSize: [540, 960],
      headless: true,
      noSandbox: true,
    });
    expect(demo).not.toContain('--kiosk');
    expect(demo).toEqual(expect.arrayContaining(['--window-size=540,960', '--headless', '--no-sandbox']));
  });
});
