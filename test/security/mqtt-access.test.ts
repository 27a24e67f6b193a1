import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePayloads } from '../../protocol/samples.ts';
import { mosquittoPub, mosquittoSub, subackCodes } from '../integration/broker-helpers.ts';
import { type Harness, startHarness } from '../integration/support/api-harness.ts';

/**
 * Every topic pattern against a screen identity, with Debian's real mosquitto_sub and
 * mosquitto_pub: what a screen may subscribe to (its own config and cmd, feeds, campaigns) and
 * publish (its own status, health, plays, cmd/result), and nothing else: not another screen's
 * topics, not wildcards over screens, not $SYS, not the server's topics. A publish counts as
 * accepted when the server's own bus receives it.
 */
let h: Harness;
let a: { id: string; token: string };
let b: { id: string; token: string };
const seen: Array<{ topic: string; payload: string }> = [];

beforeAll(async () => {
  h = await startHarness();
  a = await h.screen();
  b = await h.screen();
  await h.server.bus.subscribe('v1/#', (topic, payload) => {
    seen.push({ topic, payload: payload.toString() });
  });
});
afterAll(async () => {
  await h?.close();
});

describe('MQTT access control for a screen identity (mosquitto clients)', () => {
  it('grants exactly the subscriptions a screen needs', async () => {
    const port = h.server.mqttPort as number;
    const cases: Array<[string, boolean]> = [
      [`v1/screens/${a.id}/config`, true],
      [`v1/screens/${a.id}/cmd`, true],
      ['v1/feeds/#', true],
      ['v1/feeds/transport/+', true],
      ['v1/feeds/water/bath-1', true],
      ['v1/campaigns/#', true],
      ['v1/campaigns/some-campaign', true],
      [`v1/screens/${b.id}/config`, false],
      [`v1/screens/${b.id}/cmd`, false],
      [`v1/screens/${b.id}/status`, false],
      [`v1/screens/${a.id}/status`, false],
      [`v1/screens/${a.id}/health`, false],
      [`v1/screens/${a.id}/plays`, false],
      [`v1/screens/${a.id}/cmd/result`, false],
      [`v1/screens/${a.id}/#`, false],
      [`v1/screens/+/config`, false],
      [`v1/screens/+/cmd`, false],
      ['v1/screens/#', false],
      ['v1/+/+', false],
      ['v1/#', false],
      ['#', false],
      ['+/#', false],
      ['$SYS/#', false],
      ['$share/g/v1/campaigns/#', false],
      ['v2/#', false],
    ];
    const r = await mosquittoSub(
      { port, user: a.id, pass: a.token },
      cases.map(([f]) => f),
      1,
      2,
    );
    const codes = subackCodes(r.stdout + r.stderr);
    expect(codes.length).toBe(cases.length);
    const wrong = cases.filter(([, ok], i) => (codes[i] !== 128) !== ok).map(([f], i) => `${f}: ${codes[i]}`);
    console.info(`FIGURES mqtt-access subscribe: filters=${cases.length} wrong=${wrong.length}`);
    expect(wrong).toEqual([]);
  });

  it('accepts exactly the publications a screen makes', async () => {
    const port = h.server.mqttPort as number;
    const s = samplePayloads();
    const at = new Date().toISOString();
    const valid: Record<string, string> = {
      status: JSON.stringify({ ...s.status, at }),
      health: JSON.stringify({ ...s.health, at }),
      plays: JSON.stringify(s.plays),
      'cmd/result': JSON.stringify(s['command-result']),
    };
    const cases: Array<[string, string, boolean]> = [
      [`v1/screens/${a.id}/status`, valid.status!, true],
      [`v1/screens/${a.id}/health`, valid.health!, true],
      [`v1/screens/${a.id}/plays`, valid.plays!, true],
      [`v1/screens/${a.id}/cmd/result`, valid['cmd/result']!, true],
      [`v1/screens/${a.id}/config`, JSON.stringify(s['screen-config']), false],
      [`v1/screens/${a.id}/cmd`, JSON.stringify(s.command), false],
      [`v1/screens/${b.id}/status`, valid.status!, false],
      [`v1/screens/${b.id}/cmd`, JSON.stringify(s.command), false],
      [`v1/screens/${b.id}/config`, JSON.stringify(s['screen-config']), false],
      ['v1/campaigns/evil', JSON.stringify(s.campaign), false],
      ['v1/feeds/transport/8600626', JSON.stringify(s['feed-transport']), false],
      [`v1/screens/${a.id}/other`, '{}', false],
      ['v1/anything', '{}', false],
      ['elsewhere', '{}', false],
    ];
    for (const [topic, payload] of cases)
      await mosquittoPub({ port, user: a.id, pass: a.token }, topic, payload);
    await new Promise((r) => setTimeout(r, 1000));
    const wrong = cases
      .filter(([topic, payload, ok]) => seen.some((m) => m.topic === topic && m.payload === payload) !== ok)
      .map(([t, , ok]) => `${t} should be ${ok ? 'accepted' : 'refused'}`);
    console.info(`FIGURES mqtt-access publish: topics=${cases.length} wrong=${wrong.length}`);
    expect(wrong).toEqual([]);
  });

  it('refuses the wrong token, another screen id as client id, and the public identity over TCP', async () => {
    const port = h.server.mqttPort as number;
    const bad = [
      { port, user: a.id, pass: `${a.token}x` },
      { port, user: a.id, pass: a.token, id: b.id },
      { port, user: b.id, pass: a.token },
      { port, user: 'public', pass: '' },
    ];
    for (const c of bad) {
      const r = await mosquittoSub(c, ['v1/feeds/#'], 1, 1);
      expect(r.stdout + r.stderr, JSON.stringify(c)).toMatch(
        /refused|not authori[sz]ed|Connection error|bad user name or password/i,
      );
    }
  });
});
