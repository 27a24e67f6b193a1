import { describe, expect, it } from 'vitest';
import {
  canPublish,
  canSubscribe,
  clientIdAllowed,
  filterWithin,
  isScreenUsername,
  isValidFilter,
} from './acl.ts';
import type { Identity } from './acl.ts';

const s1: Identity = { kind: 'screen', screenId: 'scr-1' };
const pub: Identity = { kind: 'public' };
const server: Identity = { kind: 'server', username: 'stander-server' };

describe('filter syntax and containment', () => {
  it('validates filters per MQTT 3.1.1', () => {
    for (const f of ['#', '+', 'a/+/b', 'a/#', 'v1/feeds/+/x']) expect(isValidFilter(f)).toBe(true);
    for (const f of ['', 'a/#/b', 'a#', 'a/b+', 'a/+b/c', '#/a']) expect(isValidFilter(f)).toBe(false);
  });
  it('accepts only filters inside the allowed one', () => {
    expect(filterWithin('v1/feeds/#', 'v1/feeds/#')).toBe(true);
    expect(filterWithin('v1/feeds/transport/+', 'v1/feeds/#')).toBe(true);
    expect(filterWithin('v1/feeds', 'v1/feeds/#')).toBe(true);
    expect(filterWithin('v1/+/#', 'v1/feeds/#')).toBe(false);
    expect(filterWithin('+/feeds/#', 'v1/feeds/#')).toBe(false);
    expect(filterWithin('#', 'v1/feeds/#')).toBe(false);
    expect(filterWithin('v1/screens/+/cmd', 'v1/screens/scr-1/cmd')).toBe(false);
    expect(filterWithin('v1/screens/scr-1/cmd/#', 'v1/screens/scr-1/cmd')).toBe(false);
  });
});

describe('screen ACL', () => {
  it('subscribes to feeds, campaigns and its own config and cmd only', () => {
    for (const f of [
      'v1/feeds/#',
      'v1/feeds/water/+',
      'v1/campaigns/#',
      'v1/campaigns/c1',
      'v1/screens/scr-1/config',
      'v1/screens/scr-1/cmd',
    ])
      expect(canSubscribe(s1, f), f).toBe(true);
    for (const f of [
      '#',
      '+/+/+',
      '+/#',
      '$SYS/#',
      '$share/g/v1/feeds/#',
      'v1/#',
      'v1/screens/#',
      'v1/screens/+/cmd',
      'v1/screens/scr-2/cmd',
      'v1/screens/scr-2/config',
      'v1/screens/scr-1/#',
      'v1/screens/scr-1/+',
      'v1/screens/scr-1/status',
      'v1/screens/scr-1/cmd/result',
    ])
      expect(canSubscribe(s1, f), f).toBe(false);
  });
  it('publishes only status, health, plays and cmd/result under its own prefix', () => {
    for (const c of ['status', 'health', 'plays', 'cmd/result'])
      expect(canPublish(s1, `v1/screens/scr-1/${c}`)).toBe(true);
    for (const t of [
      'v1/screens/scr-2/status',
      'v1/screens/scr-1/config',
      'v1/screens/scr-1/cmd',
      'v1/screens/scr-1/other',
      'v1/campaigns/c1',
      'v1/feeds/water/x',
      '$SYS/x',
      'v1/screens/+/status',
    ])
      expect(canPublish(s1, t), t).toBe(false);
  });
});

describe('public and server identities', () => {
  it('public reads feeds and nothing else', () => {
    expect(canSubscribe(pub, 'v1/feeds/#')).toBe(true);
    expect(canSubscribe(pub, 'v1/feeds/parking/p1')).toBe(true);
    expect(canSubscribe(pub, 'v1/campaigns/#')).toBe(false);
    expect(canSubscribe(pub, '#')).toBe(false);
    expect(canPublish(pub, 'v1/feeds/parking/p1')).toBe(false);
  });
  it('server works under v1/ only', () => {
    expect(canPublish(server, 'v1/campaigns/c1')).toBe(true);
    expect(canSubscribe(server, 'v1/screens/+/status')).toBe(true);
    expect(canSubscribe(server, '$SYS/#')).toBe(false);
    expect(canPublish(server, 'other/x')).toBe(false);
  });
});

describe('client id rule', () => {
  it('requires the username or username:suffix', () => {
    expect(clientIdAllowed('scr-1', 'scr-1')).toBe(true);
    expect(clientIdAllowed('scr-1', 'scr-1:ui')).toBe(true);
    expect(clientIdAllowed('scr-1', 'scr-10')).toBe(false);
    expect(clientIdAllowed('scr-1', 'scr-1-x')).toBe(false);
    expect(clientIdAllowed('scr-1', 'scr-2')).toBe(false);
  });
  it('reserves public and the server name', () => {
    expect(isScreenUsername('public', 'stander-server')).toBe(false);
    expect(isScreenUsername('stander-server', 'stander-server')).toBe(false);
    expect(isScreenUsername('a/b', 'stander-server')).toBe(false);
    expect(isScreenUsername('scr-1', 'stander-server')).toBe(true);
  });
});
