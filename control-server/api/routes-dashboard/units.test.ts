import { describe, expect, it } from 'vitest';
import type { Health } from '../../../protocol/index.ts';
import { samplePayloads } from '../../../protocol/samples.ts';
import type { AuditEntry } from '../../store/schema.ts';
import { searchAudit } from './audit-search.ts';
import { feedHealth } from './feeds-health.ts';
import { HealthHistory } from './health-history.ts';
import { LiveHub } from './hub.ts';
import { pngSize } from './screenshots.ts';

const entry = (seq: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  seq,
  at: new Date(Date.UTC(2026, 4, 1, 10, seq)).toISOString(),
  actor: 'olga',
  action: 'campaign.create',
  target: `campaign:c${seq}`,
  outcome: 'ok',
  ...over,
});

describe('searchAudit', () => {
  const log = [
    entry(5, { actor: 'theo', action: 'screen.command', outcome: 'denied', detail: 'needs technician' }),
    entry(4),
    entry(3),
    entry(2, { ip: '10.0.0.7' }),
    entry(1),
  ];
  const q = { limit: 200 };
  it('matches free text in actor, action, target, detail and ip, case-insensitively', () => {
    expect(searchAudit(log, { ...q, q: 'TECHNICIAN' }).map((e) => e.seq)).toEqual([5]);
    expect(searchAudit(log, { ...q, q: 'campaign:c3' }).map((e) => e.seq)).toEqual([3]);
    expect(searchAudit(log, { ...q, q: '10.0.0.7' }).map((e) => e.seq)).toEqual([2]);
  });
  it('filters by actor, outcome, time and pages backwards with before/limit', () => {
    expect(searchAudit(log, { ...q, actor: 'olga' })).toHaveLength(4);
    expect(searchAudit(log, { ...q, outcome: 'denied' }).map((e) => e.seq)).toEqual([5]);
    expect(searchAudit(log, { ...q, from: entry(2).at, to: entry(4).at }).map((e) => e.seq)).toEqual([3, 2]);
    expect(searchAudit(log, { limit: 2, before: 4 }).map((e) => e.seq)).toEqual([3, 2]);
  });
});

describe('feedHealth', () => {
  it('grades each feed with the shared freshness rule', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    const base = { kind: 'water', source: 's', fetchedAt: '', demo: false, receivedAt: '', items: 1 };
    const out = feedHealth(
      [
        { ...base, id: 'b', observedAt: '2026-05-01T11:59:00Z', ttlS: 300 },
        { ...base, id: 'a', observedAt: '2026-05-01T11:00:00Z', ttlS: 1200 },
        { ...base, id: 'c', observedAt: '2026-04-30T00:00:00Z', ttlS: 600 },
      ],
      now,
    );
    expect(out.map((f) => [f.id, f.state, f.ageS])).toEqual([
      ['a', 'stale', 3600],
      ['b', 'fresh', 60],
      ['c', 'expired', 129600],
    ]);
  });
});

describe('HealthHistory', () => {
  const h = (cpu: number): Health => ({ ...(samplePayloads().health as unknown as Health), cpuPercent: cpu });
  it('keeps at most one point per spacing and a bounded number per screen', () => {
    const hist = new HealthHistory(3, 10_000);
    const t0 = Date.parse('2026-05-01T10:00:00Z');
    hist.add('s', h(1), t0);
    hist.add('s', h(2), t0 + 5000); // replaces the first (too close)
    hist.add('s', h(3), t0 + 20_000);
    hist.add('s', h(4), t0 + 40_000);
    hist.add('s', h(5), t0 + 60_000);
    expect(hist.get('s').map((p) => p.cpuPercent)).toEqual([3, 4, 5]);
    expect(hist.get('s', t0 + 50_000).map((p) => p.cpuPercent)).toEqual([5]);
    expect(hist.get('other')).toEqual([]);
  });
});

describe('LiveHub', () => {
  it('fans out to every listener and drops one that throws', () => {
    const hub = new LiveHub();
    const got: string[] = [];
    hub.subscribe((e) => got.push(e.type));
    hub.subscribe(() => {
      throw new Error('broken stream');
    });
    hub.publish({ type: 'plays', screenId: 's' });
    hub.publish({ type: 'campaign', id: 'c', version: null });
    expect(got).toEqual(['plays', 'campaign']);
    expect(hub.size).toBe(1);
  });
});

describe('pngSize', () => {
  it('reads a PNG header and refuses anything else', () => {
    const head = Buffer.alloc(24);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(head);
    head.write('IHDR', 12, 'ascii');
    head.writeUInt32BE(1080, 16);
    head.writeUInt32BE(1920, 20);
    expect(pngSize(head)).toEqual({ width: 1080, height: 1920 });
    expect(pngSize(Buffer.from('GIF89a-not-a-png-at-all!'))).toBeNull();
    head.writeUInt32BE(0, 16);
    expect(pngSize(head)).toBeNull();
  });
});
