import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedSnapshotSchema } from '../../protocol/index.ts';
import { FIXTURES, REPO_ROOT } from './testing.ts';

/** Runs the real CLI (`npm run feeds -- ...` is `tsx control-server/feeds/cli.ts ...`). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'control-server/feeds/cli.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const fx = (rel: string) => path.join(FIXTURES, rel);
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'stander-feeds-cli-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run feeds -- parse', { timeout: 90_000 }, () => {
  it('prints the v1 snapshots of a departure board', async () => {
    const r = await cli([
      'parse',
      'transport',
      fx('transport/rejseplanen/departure-board-roskilde-api2.xml'),
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as unknown[];
    expect(out).toHaveLength(1);
    const snap = FeedSnapshotSchema.parse(out[0]);
    expect(snap.kind === 'transport' && snap.departures.length).toBe(16);
  });

  it('expands calendar events for --from/--to', async () => {
    const r = await cli([
      'parse',
      'events',
      fx('events/ics/whole_day_moved_over_dst_change_berlin.ics'),
      '--from',
      '2024-10-20T00:00:00Z',
      '--to',
      '2024-11-01T00:00:00Z',
      '--area',
      'berlin',
    ]);
    expect(r.code).toBe(0);
    const [snap] = JSON.parse(r.stdout) as { area: string; events: { start: string }[] }[];
    expect(snap!.area).toBe('berlin');
    expect(snap!.events.map((e) => e.start)).toEqual([
      '2024-10-27T00:00:00+02:00',
      '2024-10-29T00:00:00+01:00',
      '2024-10-30T00:00:00+01:00',
    ]);
  });

  it('joins companion inputs (DATEX II table) and prints warnings to stderr', async () => {
    const r = await cli([
      'parse',
      'parking',
      fx('parking/datex2/aachen-realtime.xml'),
      '--table',
      fx('parking/datex2/aachen-static.xml'),
    ]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(15);
    expect(r.stderr).toContain('warning: P5: total spaces is 0, skipped');
  });

  it('gives one clear error line and exit code 1 for a missing, empty, invalid or oversized file', async () => {
    const empty = path.join(tmp, 'empty.xml');
    const garbage = path.join(tmp, 'garbage.ics');
    const big = path.join(tmp, 'big.xml');
    await writeFile(empty, '');
    await writeFile(garbage, 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTA');
    await writeFile(big, Buffer.alloc(50 * 1024 * 1024, 0x20));
    const cases: [string[], RegExp][] = [
      [['parse', 'transport', path.join(tmp, 'nope.xml')], /^error: cannot read .*nope\.xml: ENOENT\n$/],
      [['parse', 'transport', empty], /^error: .*empty\.xml: empty file\n$/],
      [
        ['parse', 'events', garbage],
        /^error: .*garbage\.ics: iCalendar: truncated \(no END:VCALENDAR at the end\)\n$/,
      ],
      [['parse', 'parking', big], /^error: .*big\.xml: 50\.0 MB is over the \d+ MB limit of this format\n$/],
      [
        ['parse', 'water', fx('transport/rejseplanen/departure-board-roskilde-api2.xml')],
        /^error: .*not a recognized water format/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('answers a usage error with exit code 2', async () => {
    const r = await cli(['parse', 'weather', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown KIND "weather"/);
  });
});
