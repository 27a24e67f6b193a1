import type { BenchOptions, BenchResult, Goal } from './results.ts';
import { DEFAULT_BEHAVIOUR, Fleet } from './sim/fleet.ts';
import { round, summarize } from './sim/stats.ts';
import {
  type Provisioned,
  type Target,
  type TargetKind,
  benchCampaign,
  sharedProvision,
  serverAvailable,
  startBaseline,
  startServerTarget,
} from './sim/targets.ts';

/**
 * Benchmark 1, campaign push: from an operator's REST POST until every one of N screens has
 * received and validated the campaign. Baseline: the same message published by mosquitto_pub to
 * N subscribers on a bare Mosquitto, measured in the same run with the same simulated screens.
 */
export interface PushRun {
  target: TargetKind;
  screens: number;
  pushes: number;
  received: number;
  missing: number;
  invalid: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  connectS: number;
  provisionMsPerScreen: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(target: Target, opts: BenchOptions, pushes: number): Promise<PushRun> {
  const n = target.screens.length;
  const fleet = new Fleet(opts.workers);
  try {
    const t0 = performance.now();
    const c = await fleet.connect(target.screens, {
      ...DEFAULT_BEHAVIOUR,
      host: target.host,
      port: target.port,
    });
    if (c.failed.length)
      throw new Error(`${c.failed.length} of ${n} screens could not connect, e.g. ${c.failed[0]?.error}`);
    if (target.server) {
      // Steady state first: every screen holds its config (so connections and retained traffic are done).
      const cfg = await fleet.waitFor({ configVersion: 1 }, { timeoutMs: 60_000 + n * 10 });
      const without = cfg.at.filter((a) => a.at === null).length;
      if (without) throw new Error(`${without} of ${n} screens never received their config`);
    }
    const connectS = (performance.now() - t0) / 1000;
    opts.log(`  ${target.kind}: ${n} screens connected in ${connectS.toFixed(1)} s`);
    await sleep(opts.quick ? 300 : 2000);
    const latencies: number[] = [];
    let missing = 0;
    const pushed: string[] = [];
    for (let r = 1; r <= pushes; r++) {
      const out = await target.push(benchCampaign(r), r);
      pushed.push(out.campaignId);
      const reply = await fleet.waitFor(
        { campaigns: { [out.campaignId]: out.version } },
        { timeoutMs: 30_000 + n * 2 },
      );
      for (const a of reply.at) {
        if (a.at === null) missing++;
        else latencies.push(a.at - out.t0);
      }
      const s = summarize(latencies.slice(-reply.at.length));
      opts.log(
        `  ${target.kind} push ${r}/${pushes}: p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms`,
      );
      await sleep(opts.quick ? 300 : 1500);
    }
    const stats = await fleet.stats();
    // Leave the data directory as it was, for the next run on it.
    for (const id of pushed) await target.rest?.deleteCampaign(id);
    const s = summarize(latencies);
    return {
      target: target.kind,
      screens: n,
      pushes,
      received: latencies.length,
      missing,
      invalid: stats.reduce((a, x) => a + x.invalid, 0),
      p50Ms: s.p50Ms,
      p99Ms: s.p99Ms,
      maxMs: s.maxMs,
      connectS: round(connectS),
      provisionMsPerScreen:
        target.provisionMsPerScreen === null ? null : round(target.provisionMsPerScreen, 2),
    };
  } finally {
    await fleet.close();
  }
}

async function withTarget<T>(start: () => Promise<Target>, fn: (t: Target) => Promise<T>): Promise<T> {
  const t = await start();
  try {
    return await fn(t);
  } finally {
    await t.stop();
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const sizes = opts.screens ?? (opts.quick ? [200] : [1000, 5000, 10000]);
  const pushes = opts.quick ? 1 : 3;
  const haveServer = serverAvailable();
  const runs: PushRun[] = [];
  const notes: string[] = [];
  // Provision once (the largest fleet) and run every server measurement on that data directory:
  // embedded and external mode read the same store (each screen keeps a Mosquitto hash as well).
  const want = (t: TargetKind) => !opts.targets || opts.targets.includes(t);
  const serverKinds = haveServer ? (['embedded', 'external'] as const).filter(want) : [];
  // One server run only (the smoke test): provision in that server instead of booting one more.
  const shared = serverKinds.length > 0 && sizes.length * serverKinds.length > 1;
  let prov: Provisioned | null = null;
  if (!haveServer)
    notes.push('control-server/server.ts is not in this checkout: only the Mosquitto baseline was measured.');
  try {
    if (shared) prov = await sharedProvision(Math.max(...sizes), opts.log);
    for (const n of sizes) {
      opts.log(`push: ${n} screens`);
      if (want('mosquitto'))
        runs.push(
          await withTarget(
            () => startBaseline(n),
            (t) => measure(t, opts, pushes),
          ),
        );
      for (const kind of serverKinds) {
        const external = kind === 'external';
        runs.push(
          await withTarget(
            () =>
              startServerTarget({
                count: n,
                external,
                log: opts.log,
                ...(prov ? { provisioned: prov } : {}),
              }),
            (t) => measure(t, opts, pushes),
          ),
        );
      }
    }
  } finally {
    await prov?.remove();
  }
  const baselineOf = (n: number) => runs.find((r) => r.screens === n && r.target === 'mosquitto');
  const ratio = (r: PushRun | undefined) => {
    const b = r && baselineOf(r.screens);
    return r && b && b.p99Ms > 0 ? round(r.p99Ms / b.p99Ms, 2) : null;
  };
  const largest = Math.max(...sizes);
  const head = runs.find((r) => r.screens === largest && r.target === 'embedded');
  const ext = runs.find((r) => r.screens === largest && r.target === 'external');
  const base = baselineOf(largest);
  const liveBase = runs.find((r) => r.screens === largest && r.target === 'mosquitto-live');
  const goals: Goal[] = [];
  for (const r of runs.filter((x) => x.target === 'embedded' || x.target === 'external')) {
    if (r.screens === 10_000)
      goals.push({
        what: `p99 at 10,000 screens (${r.target})`,
        target: '≤ 1000 ms',
        reached: r.p99Ms <= 1000,
      });
    const q = ratio(r);
    goals.push({
      what: `p99 vs bare Mosquitto at ${r.screens} (${r.target})`,
      target: '≤ 1.5x',
      reached: q === null ? null : q <= 1.5,
    });
    if (r.missing > 0 || r.invalid > 0)
      notes.push(
        `${r.target} at ${r.screens}: ${r.missing} deliveries missing, ${r.invalid} invalid messages.`,
      );
  }
  notes.push(
    'Latency is from just before the push (REST POST, or spawning mosquitto_pub) to the moment a simulated screen has the whole message parsed and validated against the v1 schema.',
    `Each figure pools ${pushes} consecutive push(es) to the same connected fleet; the simulator runs in ${opts.workers} worker thread(s) on the same machine as the broker, so it shares the CPU with what it measures, in the baseline as much as in the product.`,
    'Screens use persistent sessions (clean=false), QoS 1, keepalive 20 s, and re-publish their retained status (with the campaigns they hold) as soon as a new campaign arrives, as the kiosk agent does.',
    '"provision ms/screen" is POST /api/v1/screens/batch with 1,000 screens per request (one store write each); one POST /api/v1/screens per screen rewrites the whole database each time and cost 10-50 ms per screen at 1,000-10,000.',
  );
  return {
    name: 'push',
    title: 'Campaign push latency',
    guide:
      'Each row is one fleet size on one target. "mosquitto" is the baseline: the same campaign message published with mosquitto_pub to the same simulated screens on a bare Mosquitto broker (the time includes starting mosquitto_pub, as the REST figure includes the HTTP request). "mosquitto-live" is the same broker with a publisher that is already connected: pure fan-out, the physical limit of this machine. "embedded" is the control server with its own broker, "external" the control server using Mosquitto. p50/p99/max are per-screen latencies from the push to a validated receipt; "ratio" is the row\'s p99 divided by the baseline p99 at the same size (lower is better, 1.0 = as fast as bare Mosquitto).',
    summary: {
      screens: largest,
      p50Ms: head?.p50Ms ?? null,
      p99Ms: head?.p99Ms ?? null,
      maxMs: head?.maxMs ?? null,
      baselineP50Ms: base?.p50Ms ?? null,
      baselineP99Ms: base?.p99Ms ?? null,
      baselineMaxMs: base?.maxMs ?? null,
      /** Pure fan-out: bare Mosquitto with an already-connected publisher (no process start). */
      liveBaselineP99Ms: liveBase?.p99Ms ?? null,
      ratio: ratio(head),
      received: head?.received ?? base?.received ?? 0,
      missing: head?.missing ?? base?.missing ?? 0,
      invalid: head?.invalid ?? base?.invalid ?? 0,
      externalP99Ms: ext?.p99Ms ?? null,
      externalRatio: ratio(ext),
      provisionMsPerScreen: head?.provisionMsPerScreen ?? null,
      runs,
    },
    table: {
      columns: [
        'screens',
        'target',
        'p50 ms',
        'p99 ms',
        'max ms',
        'ratio (p99)',
        'received',
        'missing',
        'connect s',
        'provision ms/screen',
      ],
      rows: runs.map((r) => [
        r.screens,
        r.target,
        r.p50Ms,
        r.p99Ms,
        r.maxMs,
        r.target === 'mosquitto' ? 1 : ratio(r),
        r.received,
        r.missing,
        r.connectS,
        r.provisionMsPerScreen,
      ]),
    },
    goals,
    notes,
  };
}
