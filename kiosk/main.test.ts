import { describe, expect, it } from 'vitest';
import { defaultCacheDir, readSettings } from './main.ts';

describe('kiosk settings', () => {
  const env = { STANDER_SCREEN_ID: 'kiosk-1', STANDER_SCREEN_TOKEN: 't0k', XDG_DATA_HOME: '/data' };

  it('reads the environment with DESIGN.md defaults', () => {
    const s = readSettings(['--shell', 'none'], env);
    expect(s).toEqual({
      serverUrl: 'http://127.0.0.1:8080',
      mqttUrl: 'mqtt://127.0.0.1:1883',
      screenId: 'kiosk-1',
      token: 't0k',
      cacheDir: '/data/stander/screens/kiosk-1',
      uiPort: 8090,
      shell: 'none',
      logLevel: 'info',
      mapTiles: null,
    });
  });

  it('lets flags of either spelling override the environment', () => {
    const s = readSettings(
      [
        '--ui-port',
        '9001',
        '--STANDER_MQTT_URL=mqtts://broker:8883',
        '--shell=chromium',
        '--cache-dir',
        '/c',
      ],
      { ...env, STANDER_UI_PORT: '8091', STANDER_SHELL: 'none' },
    );
    expect(s).toMatchObject({
      uiPort: 9001,
      mqttUrl: 'mqtts://broker:8883',
      shell: 'chromium',
      cacheDir: '/c',
    });
    expect(readSettings(['--map-tiles', '/maps/cph.pmtiles'], env).mapTiles).toBe('/maps/cph.pmtiles');
    expect(readSettings([], { ...env, STANDER_MAP_TILES: '/m/x.mbtiles' }).mapTiles).toBe('/m/x.mbtiles');
  });

  it('refuses what cannot work, with a clear message', () => {
    expect(() => readSettings([], {})).toThrow(/STANDER_SCREEN_ID/);
    expect(() => readSettings([], { STANDER_SCREEN_ID: 'k' })).toThrow(/STANDER_SCREEN_TOKEN/);
    expect(() => readSettings([], { ...env, STANDER_SCREEN_ID: 'a/b' })).toThrow(/invalid screen id/);
    expect(() => readSettings(['--ui-port', '99999'], env)).toThrow(/invalid UI port/);
    expect(() => readSettings(['--shell', 'firefox'], env)).toThrow(/invalid shell/);
    expect(() => readSettings(['--server-url', 'not a url'], env)).toThrow(/invalid server URL/);
    expect(() => readSettings(['--bogus'], env)).toThrow();
  });

  it('defaults the cache under the home directory without XDG_DATA_HOME', () => {
    expect(defaultCacheDir('s1', {})).toMatch(/\.local\/share\/stander\/screens\/s1$/);
  });
});
