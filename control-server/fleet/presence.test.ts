import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker/embedded.ts';
import { silentLogger } from '../log.ts';
import { Presence, type ScreenPresence } from './presence.ts';

// Presence over a real (embedded) bus; the clock is driven by the test.
let broker: EmbeddedBroker;
let now = Date.parse('2026-06-01T10:00:00Z');
let presence: Presence;
const changes: ScreenPresence[] = [];

const status = (state: 'online' | 'offline', extra: Record<string, string> = {}) =>
  JSON.stringify({ state, at: '2020-01-01T00:00:00Z', ...extra }); // a screen clock far off: ignored
const publish = (topic: string, payload: string) =>
  broker.bus.publish(topic, payload, { retain: false, qos: 1 });
const tick = () => new Promise((r) => setTimeout(r, 20));

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    authenticateScreen: async () => false,
    log: silentLogger(),
    host: '127.0.0.1',
    mqttPort: 0,
  });
  presence = new Presence({ bus: broker.bus, log: silentLogger(), now: () => now });
  presence.on('change', (p) => changes.push(p));
  await presence.start();
});
afterAll(async () => {
  presence.stop();
  await broker.close();
});

describe('Presence', () => {
  it('follows status messages, with the server clock for lastSeen', async () => {
    await publish(topics.screenStatus('s1'), status('online', { appVersion: '1.0.0', contentVersion: 'c7' }));
    await tick();
    expect(presence.get('s1')).toEqual({
      screenId: 's1',
      online: true,
      lastSeen: '2026-06-01T10:00:00.000Z',
      since: '2026-06-01T10:00:00.000Z',
      appVersion: '1.0.0',
      contentVersion: 'c7',
    });
    now += 60_000;
    await publish(topics.screenHealth('s1'), '{}'); // any message counts as seen, valid or not
    await tick();
    expect(presence.get('s1').lastSeen).toBe('2026-06-01T10:01:00.000Z');
    await publish(topics.screenStatus('s1'), status('offline'));
    await tick();
    expect(presence.get('s1')).toMatchObject({
      online: false,
      since: '2026-06-01T10:01:00.000Z',
      appVersion: '1.0.0',
    });
  });

  it('ignores invalid and cleared statuses', async () => {
    const before = presence.get('s1');
    await publish(topics.screenStatus('s1'), '{"state":"maybe"}');
    await broker.bus.publish(topics.screenStatus('s1'), Buffer.alloc(0), { retain: true, qos: 1 });
    await tick();
    expect(presence.get('s1')).toEqual(before);
  });

  it('counts embedded connections: a late offline will does not hide a live connection', async () => {
    presence.connected('s2');
    presence.connected('s2'); // a second client id of the same screen
    await publish(topics.screenStatus('s2'), status('offline')); // the will of an old session
    await tick();
    expect(presence.get('s2').online).toBe(true);
    presence.disconnected('s2');
    expect(presence.get('s2').online).toBe(true);
    presence.disconnected('s2');
    expect(presence.get('s2').online).toBe(false);
    expect(presence.onlineCount()).toBe(0);
  });

  it('restores lastSeen and versions, never online state', () => {
    presence.restore([
      { screenId: 's3', lastSeen: '2026-05-01T00:00:00.000Z', appVersion: '0.9', contentVersion: null },
    ]);
    expect(presence.get('s3')).toMatchObject({
      online: false,
      lastSeen: '2026-05-01T00:00:00.000Z',
      appVersion: '0.9',
    });
    expect(presence.get('never-seen')).toMatchObject({ online: false, lastSeen: null });
    presence.forget('s3');
    expect(presence.list().some((p) => p.screenId === 's3')).toBe(false);
  });

  it('keeps the online count through connects, duplicates, disconnects and forgetting', async () => {
    const base = presence.onlineCount();
    presence.connected('c1');
    presence.connected('c2');
    presence.connected('c2');
    await publish(topics.screenStatus('c1'), status('online')); // already online: not counted twice
    await tick();
    expect(presence.onlineCount()).toBe(base + 2);
    presence.forget('c1'); // deleted while online
    expect(presence.onlineCount()).toBe(base + 1);
    presence.forget('c1');
    presence.disconnected('c2');
    expect(presence.onlineCount()).toBe(base + 1);
    presence.disconnected('c2');
    expect(presence.onlineCount()).toBe(base);
    expect(presence.list().filter((p) => p.online).length).toBe(presence.onlineCount());
  });

  it('emits a change for every status and state change', () => {
    expect(changes.filter((c) => c.screenId === 's1').map((c) => c.online)).toEqual([true, false]);
  });
});
