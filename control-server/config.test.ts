import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from './config.ts';

describe('server settings', () => {
  it('has the defaults of DESIGN.md', () => {
    const s = loadSettings([], {}, '/srv');
    expect(s).toMatchObject({
      dataDir: '/srv/data',
      httpPort: 8080,
      mqttPort: 1883,
      brokerUrl: null,
      adminPassword: null,
      tls: null,
      feedsConfig: '/srv/content/feeds.json',
    });
  });

  it('reads the environment and lets flags of the same name override it', () => {
    const env = {
      STANDER_HTTP_PORT: '9000',
      STANDER_MQTT_PORT: '1999',
      STANDER_DATA_DIR: '/var/lib/stander',
    };
    const s = loadSettings(
      ['--http-port', '0', '--mqtt-port=0', '--broker-url', 'mqtt://b:1883'],
      env,
      '/srv',
    );
    expect(s.httpPort).toBe(0);
    expect(s.mqttPort).toBe(0);
    expect(s.dataDir).toBe('/var/lib/stander');
    expect(s.brokerUrl).toBe('mqtt://b:1883');
  });

  it('names every bad value, its flag and the reason, and never echoes secrets', () => {
    let err: unknown;
    try {
      loadSettings(['--http-port', '70000', '--tls-cert', 'c.pem'], {
        STANDER_MQTT_PORT: 'abc',
        STANDER_BROKER_URL: 'http://x',
        STANDER_BROKER_PASSWORD: 'hunter2',
        STANDER_KEEPALIVE_LIMIT_S: '-1',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect(msg).toContain('STANDER_HTTP_PORT (--http-port) = "70000": must be 0..65535');
    expect(msg).toContain('STANDER_MQTT_PORT (--mqtt-port) = "abc"');
    expect(msg).toContain('STANDER_BROKER_URL');
    expect(msg).not.toContain('hunter2');
    expect(() => loadSettings(['--tls-cert', 'c.pem'], {})).toThrow(
      /STANDER_TLS_KEY .*: STANDER_TLS_CERT and STANDER_TLS_KEY must be set together/,
    );
  });

  it('derives the mobile companion URL from STANDER_PUBLIC_URL, and refuses a non-http one', () => {
    expect(loadSettings([], {}).mobileBaseUrl).toBeUndefined();
    expect(loadSettings(['--public-url', 'https://info.example.dk/'], {}).mobileBaseUrl).toBe(
      'https://info.example.dk/m/',
    );
    expect(() => loadSettings([], { STANDER_PUBLIC_URL: 'ftp://x' })).toThrow(/STANDER_PUBLIC_URL/);
  });

  it('refuses unknown flags and flags without a value', () => {
    expect(() => loadSettings(['--htp-port', '1'], {})).toThrow(/unknown flag --htp-port/);
    expect(() => loadSettings(['--http-port'], {})).toThrow(/--http-port needs a value/);
    expect(() => loadSettings(['stray'], {})).toThrow(/unexpected argument "stray"/);
  });

  it('takes TLS and Mosquitto settings as absolute paths', () => {
    const s = loadSettings(
      [
        '--tls-cert',
        'c.pem',
        '--tls-key',
        'k.pem',
        '--mosquitto-dir',
        'mq',
        '--mosquitto-pid-file',
        '/run/m.pid',
      ],
      {},
      '/srv',
    );
    expect(s.tls).toEqual({ certFile: '/srv/c.pem', keyFile: '/srv/k.pem' });
    expect(s.mosquitto).toEqual({ dir: '/srv/mq', pidFile: '/run/m.pid', reloadCommand: null });
  });
});
