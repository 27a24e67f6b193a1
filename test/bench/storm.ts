import { CampaignSchema, ScreenConfigSchema, encodePayload, topics } from '../../protocol/index.ts';
import type { BenchOptions, BenchResult, Goal } from './results.ts';
import { DEFAULT_BEHAVIOUR, Fleet } from './sim/fleet.ts';
import type { Want } from './sim/messages.ts';
import { LiteClient } from './sim/lite-client.ts';
import { now } from './sim/screen.ts';
import { round, summarize } from './sim/stats.ts';
import {
  type Provisioned,
  type Target,
  benchCampaign,
  screenBody,
  sharedProvision,
  startBaseline,
  startServerTarget,
} from './sim/targets.ts';

/**
 * Benchmark 2, connect storm: the server restarts and all N screens connect at once; how long
 * until every screen holds its config and every campaign again? Baseline: the same N screens
 * storming a bare Mosquitto that holds the same retained configs and campaigns.
 */
interface StormRun {
  target: 'mosquitto' | 'embedded';
  screens: number;
  restartMs: number | null;
  connectFailures: number;
  allConnectedMs: number;
  current: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const CAMPAIGNS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fills a bare Mosquitto with what the server would hold retained: one config per screen, the campaigns. */
async function seedBaseline(port: number, ids: string[]): Promise<Record<string, number>> {
  const c = await LiteClient.connect({ host: '127.0.0.1', port, clientId: 'bench-seeder', keepaliveS: 60 });
  const at = new Date().toISOString();
  const campaigns: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const id = `storm-${i}`;
    campaigns[id] = 1;
    pending.push(
      c.publish(
        topics.campaign(id),
        encodePayload(CampaignSchema, { ...benchCampaign(i), id, version: 1, updatedAt: at }),
        { qos: 1, retain: true },
      ),
    );
  }
  for (const [i, id] of ids.entries()) {
    const b = screenBody(i);
    const cfg = encodePayload(ScreenConfigSchema, {
      screenId: id,
      name: b.name,
      profile: b.profile,
      location: b.location,
      languages: ['da', 'en', 'de'],
      defaultLanguage: 'da',
      groups: b.groups ?? [],
      tags: b.tags ?? [],
      feeds: { transport: [], parking: [], water: [], events: [] },
      displayHours: null,
      version: 1,
      updatedAt: at,
    });
    pending.push(c.publish(topics.screenConfig(id), cfg, { qos: 1, retain: true }));
    // Keep within Mosquitto's in-flight window: wait for the acks of each batch.
    if (pending.length >= 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await c.end();
  return campaigns;
}

async function storm(
  target: Target,
  fleet: Fleet,
  want: Want,
  opts: BenchOptions,
): Promise<Omit<StormRun, 'target' | 'screens' | 'restartMs'>> {
  const n = target.screens.length;
  const t0 = now();
  // Everyone at once: no concurrency limit, a few retries with backoff for refused or dropped SYNs.
  const c = await fleet.reconnect(undefined, { concurrency: n, retries: 5 });
  const allConnectedMs = now() - t0;
  if (c.failed.length) {
    const reasons = new Map<string, number>();
    for (const f of c.failed) reasons.set(f.error, (reasons.get(f.error) ?? 0) + 1);
    opts.log(`  ${target.kind}: connect failures: ${JSON.stringify(Object.fromEntries(reasons))}`);
  }
  const reply = await fleet.waitFor({ ...want, since: t0 }, { timeoutMs: 60_000 + n * 5 });
  const lat = reply.at.flatMap((a) => (a.at === null ? [] : [a.at - t0]));
  const s = summarize(lat);
  opts.log(
    `  ${target.kind}: ${c.connected}/${n} reconnected in ${Math.round(allConnectedMs)} ms (${c.failed.length} failed), ${lat.length} current, p99 ${s.p99Ms} ms, max ${s.maxMs} ms`,
  );
  return {
    connectFailures: c.failed.length,
    allConnectedMs: round(allConnectedMs),
    current: lat.length,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    maxMs: s.maxMs,
  };
}

async function baselineRun(n: number, opts: BenchOptions): Promise<StormRun> {
  const t = await startBaseline(n);
  const fleet = new Fleet(opts.workers);
  try {
    const campaigns = await seedBaseline(
      t.port,
      t.screens.map((s) => s.id),
    );
    const behaviour = { ...DEFAULT_BEHAVIOUR, host: t.host, port: t.port, subscribeFeeds: false };
    // Connect once so the persistent sessions exist (as on the server), then drop them all.
    await fleet.connect(t.screens, behaviour);
    await fleet.disconnect();
    await sleep(500);
    const r = await storm(t, fleet, { configVersion: 1, campaigns }, opts);
    return { target: 'mosquitto', screens: n, restartMs: null, ...r };
  } finally {
    await fleet.close();
    await t.stop();
  }
}

async function serverRun(n: number, opts: BenchOptions, provisioned: Provisioned): Promise<StormRun> {
  const t = await startServerTarget({ count: n, external: false, provisioned, log: opts.log });
  const fleet = new Fleet(opts.workers);
  try {
    const campaigns: Record<string, number> = {};
    for (let i = 0; i < CAMPAIGNS; i++) {
      const out = await t.push(benchCampaign(i), i);
      campaigns[out.campaignId] = out.version;
    }
    const want: Want = { configVersion: 1, campaigns };
    const c = await fleet.connect(t.screens, { ...DEFAULT_BEHAVIOUR, host: t.host, port: t.port });
    if (c.failed.length)
      throw new Error(`${c.failed.length} screens could not connect: ${c.failed[0]?.error}`);
    const steady = await fleet.waitFor(want, { timeoutMs: 60_000 + n * 10 });
    const missing = steady.at.filter((a) => a.at === null).length;
    if (missing) throw new Error(`${missing} screens never became current before the restart`);
    if (!t.restart) throw new Error('server target cannot restart');
    const restartMs = await t.restart('graceful');
    opts.log(`  server restarted in ${Math.round(restartMs)} ms`);
    const r = await storm(t, fleet, want, opts);
    for (const id of Object.keys(campaigns)) await t.rest?.deleteCampaign(id);
    return { target: 'embedded', screens: n, restartMs: round(restartMs), ...r };
  } finally {
    await fleet.close();
    await t.stop();
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const sizes = opts.screens ?? (opts.quick ? [200] : [1000, 10000]);
  const runs: StormRun[] = [];
  const provisioned = await sharedProvision(Math.max(...sizes), opts.log);
  for (const n of sizes) {
    opts.log(`storm: ${n} screens`);
    runs.push(await baselineRun(n, opts));
    runs.push(await serverRun(n, opts, provisioned));
  }
  const baseOf = (n: number) => runs.find((r) => r.target === 'mosquitto' && r.screens === n);
  const ratio = (r: StormRun) => {
    const b = baseOf(r.screens);
    return b && b.maxMs > 0 ? round(r.maxMs / b.maxMs, 2) : null;
  };
  const largest = Math.max(...sizes);
  const head = runs.find((r) => r.target === 'embedded' && r.screens === largest);
  const goals: Goal[] = runs
    .filter((r) => r.target === 'embedded')
    .map((r) => ({
      what: `every one of ${r.screens} screens current after the storm`,
      target: `${r.screens} of ${r.screens}`,
      reached: r.current === r.screens,
    }));
  return {
    name: 'storm',
    title: 'Connect storm after a server restart',
    guide:
      'The control server is stopped and started again on the same data directory and ports; then all N screens connect at the same instant (no jitter, the worst case). The time per screen runs from that instant until the screen has received and validated its config and every campaign again. "all connected" is when the last CONNACK+SUBACK arrived. Baseline: the same screens storming a bare Mosquitto that already holds the same retained configs and campaigns (Mosquitto needs no restart for that: it keeps them in memory). "ratio" is max over baseline max.',
    summary: {
      screens: largest,
      maxMs: head?.maxMs ?? null,
      p99Ms: head?.p99Ms ?? null,
      restartMs: head?.restartMs ?? null,
      baselineMaxMs: baseOf(largest)?.maxMs ?? null,
      ratio: head ? ratio(head) : null,
      runs,
    },
    table: {
      columns: [
        'screens',
        'target',
        'server start ms',
        'all connected ms',
        'connect failures',
        'current',
        'p50 ms',
        'p99 ms',
        'max ms',
        'ratio (max)',
      ],
      rows: runs.map((r) => [
        r.screens,
        r.target,
        r.restartMs,
        r.allConnectedMs,
        r.connectFailures,
        r.current,
        r.p50Ms,
        r.p99Ms,
        r.maxMs,
        r.target === 'mosquitto' ? 1 : ratio(r),
      ]),
    },
    goals,
    notes: [
      'Real screens reconnect with exponential backoff and jitter (kiosk/agent/connection.ts), which spreads a real storm over seconds; this benchmark removes the jitter on purpose.',
      'Device tokens are checked with one SHA-256 digest (a few µs); only tokens issued before that change still cost one scrypt check each on the first connect after a restart (the verified-token cache is in memory).',
    ],
  };
}
