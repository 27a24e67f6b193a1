import { describe, expect, it } from 'vitest';
import { IdSchema } from './schemas/common.ts';
import { filters, isId, parseTopic, SCREEN_CHANNELS, topicMatches, topics } from './topics.ts';

describe('topic builders', () => {
  it('build every DESIGN.md topic under v1/', () => {
    expect(topics.feed('events', 'centrum')).toBe('v1/feeds/events/centrum');
    expect(topics.feed('transport', '8600626')).toBe('v1/feeds/transport/8600626');
    expect(topics.feed('water', 'islands-brygge')).toBe('v1/feeds/water/islands-brygge');
    expect(topics.feed('parking', 'p1')).toBe('v1/feeds/parking/p1');
    expect(topics.campaign('summer')).toBe('v1/campaigns/summer');
    expect(topics.screenConfig('k1')).toBe('v1/screens/k1/config');
    expect(topics.screenCmd('k1')).toBe('v1/screens/k1/cmd');
    expect(topics.screenCmdResult('k1')).toBe('v1/screens/k1/cmd/result');
    expect(topics.screenStatus('k1')).toBe('v1/screens/k1/status');
    expect(topics.screenHealth('k1')).toBe('v1/screens/k1/health');
    expect(topics.screenPlays('k1')).toBe('v1/screens/k1/plays');
  });

  it.each(['a/b', 'a+b', '+', '#', 'a#', '', '..', '.', 'with space', 'x'.repeat(65), '$SYS'])(
    'refuses the id %j',
    (bad) => {
      expect(() => topics.campaign(bad)).toThrow(/invalid campaign id/);
      expect(() => topics.screenCmd(bad)).toThrow(/invalid screen id/);
      expect(() => topics.feed('parking', bad)).toThrow(/invalid parking feed id/);
    },
  );

  it('filters', () => {
    expect(filters.allFeeds).toBe('v1/feeds/#');
    expect(filters.allCampaigns).toBe('v1/campaigns/#');
    expect(filters.feedsOfKind('water')).toBe('v1/feeds/water/+');
    expect(filters.allScreenChannel('cmd/result')).toBe('v1/screens/+/cmd/result');
    expect(filters.allScreenChannel('status')).toBe('v1/screens/+/status');
  });
});

describe('parseTopic', () => {
  it('round-trips every builder', () => {
    expect(parseTopic(topics.feed('water', 's1'))).toEqual({ kind: 'feed', feed: 'water', id: 's1' });
    expect(parseTopic(topics.campaign('c.1'))).toEqual({ kind: 'campaign', id: 'c.1' });
    for (const channel of SCREEN_CHANNELS) {
      expect(parseTopic(topics.screen('k-1', channel))).toEqual({ kind: 'screen', screenId: 'k-1', channel });
    }
  });

  it.each([
    'v2/campaigns/x',
    'v1/campaigns',
    'v1/campaigns/x/y',
    'v1/campaigns/+',
    'v1/campaigns/#',
    'v1/feeds/weather/x',
    'v1/feeds/water',
    'v1/feeds/water/a/b',
    'v1/screens/k1',
    'v1/screens/k1/reboot',
    'v1/screens/+/status',
    'v1/screens/../status',
    'v1/screens/k1/cmd/result/x',
    '$SYS/broker/uptime',
    '',
    '/v1/campaigns/x',
  ])('returns null for %j', (t) => {
    expect(parseTopic(t)).toBeNull();
  });
});

describe('parseTopic results', () => {
  it('are frozen and the same on a second parse, valid or not', () => {
    const a = parseTopic('v1/screens/s-1/health');
    expect(a).toEqual({ kind: 'screen', screenId: 's-1', channel: 'health' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(parseTopic('v1/screens/s-1/health')).toBe(a);
    expect(parseTopic('v1/screens/s 1/health')).toBeNull();
    expect(parseTopic('v1/screens/s 1/health')).toBeNull();
  });
});

describe('isId', () => {
  it.each([
    'a',
    'sim-00000',
    'Rådhus',
    'a.b_c-D9',
    '.',
    '..',
    '...',
    '.hidden',
    '',
    ' ',
    'a/b',
    'a+b',
    '#',
    '$SYS',
    'x'.repeat(64),
    'x'.repeat(65),
    'line\nbreak',
    'trailing\n',
  ])('agrees with IdSchema on %j', (s) => {
    expect(isId(s)).toBe(IdSchema.safeParse(s).success);
  });
});

describe('topicMatches', () => {
  it.each([
    ['v1/feeds/#', 'v1/feeds/water/a', true],
    ['v1/feeds/#', 'v1/feeds', true],
    ['v1/feeds/+', 'v1/feeds/water/a', false],
    ['v1/feeds/+/+', 'v1/feeds/water/a', true],
    ['v1/screens/+/cmd/result', 'v1/screens/k1/cmd/result', true],
    ['v1/screens/+/cmd/result', 'v1/screens/k1/cmd', false],
    ['v1/screens/+/cmd', 'v1/screens/k1/cmd/result', false],
    ['v1/screens/k1/config', 'v1/screens/k2/config', false],
    ['#', 'v1/anything/at/all', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['v1/+', 'v1/', true],
    ['v1/campaigns/x', 'v1/campaigns/x', true],
    ['v1/campaigns/x', 'v1/campaigns/xy', false],
  ])('%s vs %s -> %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
