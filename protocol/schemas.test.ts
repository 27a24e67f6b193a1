import { describe, expect, it } from 'vitest';
import { type PayloadName, payloadSchemas } from './json-schema.ts';
import { samplePayloads } from './samples.ts';
import {
  CampaignInputSchema,
  COMMAND_TYPES,
  CommandSchema,
  ScreenCreateSchema,
  ScreenUpdateSchema,
} from './index.ts';

type Sample = Record<string, unknown>;
type Mutation = [description: string, mutate: (s: Sample) => void, path: string];

/** Applies a mutation to a fresh valid sample and returns the issue paths zod reports. */
function issuePaths(name: PayloadName, mutate: (s: Sample) => void): string[] {
  const sample = samplePayloads()[name];
  mutate(sample);
  const r = payloadSchemas[name].safeParse(sample);
  if (r.success) return [];
  return r.error.issues.map((i) => i.path.join('.'));
}

// biome-ignore lint/suspicious/noExplicitAny: test mutations reach into nested sample objects
const at = (s: Sample, ...keys: (string | number)[]): any => keys.reduce<any>((o, k) => o[k], s);

const invalid: Record<PayloadName, Mutation[]> = {
  'feed-transport': [
    ['missing stopName', (s) => delete s.stopName, 'stopName'],
    ['unknown mode', (s) => (at(s, 'departures', 0).mode = 'zeppelin'), 'departures.0.mode'],
    [
      'datetime without offset',
      (s) => (at(s, 'departures', 0).plannedAt = '2026-05-23 16:10'),
      'departures.0.plannedAt',
    ],
    ['stop id with slash', (s) => (s.stopId = 'a/b'), 'stopId'],
    ['ttl zero', (s) => (s.ttlS = 0), 'ttlS'],
  ],
  'feed-parking': [
    ['free above total', (s) => (s.free = 500), 'free'],
    ['occupancy above 1', (s) => (s.occupancy = 1.5), 'occupancy'],
    ['negative total', (s) => (s.total = -1), 'total'],
    ['wrong kind', (s) => (s.kind = 'water'), 'kind'],
  ],
  'feed-water': [
    ['boiling water', (s) => (s.waterTempC = 99), 'waterTempC'],
    ['unknown quality', (s) => (s.quality = 'meh'), 'quality'],
    ['missing observedAt', (s) => delete s.observedAt, 'observedAt'],
  ],
  'feed-events': [
    ['empty title', (s) => (at(s, 'events', 0).title = {}), 'events.0.title'],
    ['javascript url', (s) => (at(s, 'events', 0).url = 'javascript:alert(1)'), 'events.0.url'],
    ['bad language key', (s) => (at(s, 'events', 0).title = { english: 'x' }), 'events.0.title.english'],
  ],
  campaign: [
    ['no slides', (s) => (s.slides = []), 'slides'],
    ['aims at nothing', (s) => (s.target = {}), 'target'],
    [
      'end before start',
      (s) => (s.schedule = { start: '2026-06-02T00:00:00Z', end: '2026-06-01T00:00:00Z' }),
      'schedule.end',
    ],
    ['bad sha256', (s) => (at(s, 'slides', 1, 'asset').sha256 = 'XYZ'), 'slides.1.asset.sha256'],
    ['text mime for asset', (s) => (at(s, 'slides', 1, 'asset').mime = 'text/html'), 'slides.1.asset.mime'],
    ['weekday 8', (s) => (s.schedule = { weekdays: [8] }), 'schedule.weekdays.0'],
    [
      'daily 25:00',
      (s) => (s.schedule = { daily: [{ from: '25:00', to: '26:00' }] }),
      'schedule.daily.0.from',
    ],
    ['unknown priority', (s) => (s.priority = 'urgent'), 'priority'],
    ['unknown slide kind', (s) => (at(s, 'slides', 0).kind = 'html'), 'slides.0.kind'],
    ['version 0', (s) => (s.version = 0), 'version'],
  ],
  'screen-config': [
    ['unknown profile', (s) => (s.profile = 'billboard'), 'profile'],
    ['lat out of range', (s) => (at(s, 'location').lat = 91), 'location.lat'],
    ['no languages', (s) => (s.languages = []), 'languages'],
    ['feed id with plus', (s) => (at(s, 'feeds').transport = ['a+b']), 'feeds.transport.0'],
    ['display hours as text', (s) => (s.displayHours = { on: '6am', off: '11pm' }), 'displayHours.on'],
  ],
  command: [
    ['unknown type', (s) => (s.type = 'format-disk'), 'type'],
    ['brightness above 100', (s) => (s.level = 101), 'level'],
    ['id with hash', (s) => (s.id = 'a#b'), 'id'],
  ],
  'command-result': [
    ['ok not boolean', (s) => (s.ok = 'yes'), 'ok'],
    ['nested data', (s) => (s.data = { x: { y: 1 } }), 'data.x'],
  ],
  status: [
    ['unknown state', (s) => (s.state = 'sleeping'), 'state'],
    ['missing at', (s) => delete s.at, 'at'],
  ],
  health: [
    ['negative uptime', (s) => (s.uptimeS = -1), 'uptimeS'],
    ['unknown renderer state', (s) => (at(s, 'renderer').state = 'sad'), 'renderer.state'],
    ['feed state bogus', (s) => (at(s, 'feeds', 0).state = 'old'), 'feeds.0.state'],
    ['memory missing', (s) => delete s.memory, 'memory'],
  ],
  plays: [
    ['zero count', (s) => (at(s, 'plays', 0).count = 0), 'plays.0.count'],
    ['negative touches', (s) => (s.touches = -3), 'touches'],
    ['campaign id with slash', (s) => (at(s, 'plays', 0).campaignId = 'x/y'), 'plays.0.campaignId'],
  ],
};

describe('payload schemas', () => {
  for (const name of Object.keys(payloadSchemas) as PayloadName[]) {
    describe(name, () => {
      it('accepts the valid sample', () => {
        const r = payloadSchemas[name].safeParse(samplePayloads()[name]);
        expect(r.error?.issues ?? []).toEqual([]);
        expect(r.success).toBe(true);
      });
      it('rejects a non-object and an empty object', () => {
        expect(payloadSchemas[name].safeParse('hello').success).toBe(false);
        expect(payloadSchemas[name].safeParse({}).success).toBe(false);
      });
      for (const [what, mutate, path] of invalid[name]) {
        it(`rejects: ${what} (at ${path})`, () => {
          expect(issuePaths(name, mutate)).toContain(path);
        });
      }
    });
  }

  it('has invalid samples for every payload', () => {
    for (const name of Object.keys(payloadSchemas) as PayloadName[]) {
      expect(invalid[name].length, name).toBeGreaterThan(0);
    }
  });

  it('fills defaults: campaign priority, identify duration, config intervals', () => {
    const input = CampaignInputSchema.parse({
      name: 'x',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: 'x' }, durationS: 10 }],
    });
    expect(input.priority).toBe('normal');
    const cmd = CommandSchema.parse({ type: 'identify', id: 'c1', issuedAt: '2026-01-01T00:00:00Z' });
    expect(cmd).toMatchObject({ type: 'identify', durationS: 30 });
    const cfg = samplePayloads()['screen-config'];
    delete cfg.healthIntervalS;
    delete cfg.idleTimeoutS;
    expect(payloadSchemas['screen-config'].parse(cfg)).toMatchObject({
      healthIntervalS: 30,
      idleTimeoutS: 60,
    });
  });

  it('lists every command type', () => {
    expect(COMMAND_TYPES.sort()).toEqual(
      ['brightness', 'clear-cache', 'display', 'identify', 'reboot', 'reload', 'screenshot'].sort(),
    );
  });

  it('screen create body: defaults and rejects ids that break topics', () => {
    const s = ScreenCreateSchema.parse({ name: 'A', profile: 'info-screen', location: { lat: 1, lon: 2 } });
    expect(s).toMatchObject({ groups: [], tags: [], languages: ['da', 'en', 'de'], defaultLanguage: 'da' });
    for (const id of ['a/b', 'a+b', 'a#b', '..', '', 'x'.repeat(65), 'a b']) {
      expect(
        ScreenCreateSchema.safeParse({ id, name: 'A', profile: 'info-screen', location: { lat: 1, lon: 2 } })
          .success,
        id,
      ).toBe(false);
    }
  });

  it('screen update body changes only what it names and refuses unknown fields', () => {
    expect(ScreenUpdateSchema.parse({ name: 'B' })).toEqual({ name: 'B' });
    expect(ScreenUpdateSchema.parse({})).toEqual({});
    expect(ScreenUpdateSchema.safeParse({ id: 'other' }).success).toBe(false);
    expect(ScreenUpdateSchema.safeParse({ languages: [] }).success).toBe(false);
  });
});
