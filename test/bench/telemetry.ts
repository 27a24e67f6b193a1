import { HealthSchema, decodePayload, filters } from '../../protocol/index.ts';
import type { BenchOptions, BenchResult, Goal } from './results.ts';
import { DEFAULT_BEHAVIOUR, Fleet } from './sim/fleet.ts';
import { LiteClient } from './sim/lite-client.ts';
import { processCpuSeconds } from './sim/server-process.ts';
import { round } from './sim/stats.ts';
import { type Target, sharedProvision, startBaseline, startServerTarget } from './sim/targets.ts';

/**
 * Benchmark 5, telemetry: health messages per second the control server sustains below 80% of one
 * core (it is one Node process; the broker, validation and the health store share its event loop).
 * Steps of increasing rate; at each, the server process's CPU from /proc/PID/stat and its event-loop
 * delay. Baseline: bare Mosquitto's CPU at the same rates, with one subscriber validating them.
 */
interface Step {
  target: 'mosquitto' | 'embedded';
  rate: number;
  achieved: number;
  cpuPercent: number;
  loopP99Ms: number | null;
}

const CPU_LIMIT = 80;
/** A step whose event-loop delay p99 exceeds this did not keep up, whatever its CPU share says. */
const LOOP_LIMIT_MS = 500;

/** Over the limit: too much CPU, or (on a busy machine, where CPU% is what the process got, not what it needed) a stalled event loop. */
const over = (x: Step, limit: number) =>
  x.cpuPercent > limit || (x.loopP99Ms !== null && x.loopP99Ms > LOOP_LIMIT_MS);

async function stepRates(
  t: Target,
  fleet: Fleet,
  pid: number,
  rates: number[],
  durationMs: number,
  opts: BenchOptions,
  loop: (() => Promise<{ p99Ms: number }>) | null,
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of rates) {
    await loop?.();
    const c0 = await processCpuSeconds(pid);
    const h = await fleet.health(rate, durationMs);
    const c1 = await processCpuSeconds(pid);
    const l = await loop?.();
    const step: Step = {
      target: t.kind === 'mosquitto' ? 'mosquitto' : 'embedded',
      rate,
      achieved: Math.round((h.sent / h.elapsedMs) * 1000),
      cpuPercent: round(((c1 - c0) / (h.elapsedMs / 1000)) * 100),
      loopP99Ms: l ? round(l.p99Ms) : null,
    };
    steps.push(step);
    opts.log(
      `  ${step.target} ${rate}/s: sent ${step.achieved}/s, CPU ${step.cpuPercent}%, loop p99 ${step.loopP99Ms ?? '—'} ms`,
    );
    // Stop once past the limit, or when the simulator itself cannot keep up.
    if (over(step, 100) || step.achieved < rate * 0.85) break;
  }
  return steps;
}

/** The rate at CPU_LIMIT, by linear interpolation between the measured steps around it. */
export function rateAtCpu(steps: Step[], limit = CPU_LIMIT): number | null {
  const s = [...steps].sort((a, b) => a.achieved - b.achieved);
  const firstOver = s.findIndex((x) => over(x, limit));
  const below = firstOver === -1 ? s : s.slice(0, firstOver);
  const above = firstOver === -1 ? undefined : s[firstOver];
  const lo = below[below.length - 1];
  if (!lo) return null;
  if (!above) return lo.achieved; // never reached the limit: at least this much
  if (above.cpuPercent <= limit) return lo.achieved; // stalled loop: the last step that kept up
  const f = (limit - lo.cpuPercent) / (above.cpuPercent - lo.cpuPercent);
  return Math.round(lo.achieved + f * (above.achieved - lo.achieved));
}

export async function run(opts: BenchOptions): Promise<BenchResult> {
  const n = opts.screens?.[0] ?? (opts.quick ? 100 : 2000);
  const rates = opts.quick ? [100, 400] : [250, 500, 1000, 2000, 4000, 8000, 16000];
  const durationMs = opts.quick ? 2000 : 8000;
  const steps: Step[] = [];

  // Baseline: Mosquitto plus one subscriber doing the validation the server does.
  const base = await startBaseline(n);
  const fleetB = new Fleet(opts.workers);
  let validated = 0;
  try {
    const sub = await LiteClient.connect({
      host: '127.0.0.1',
      port: base.port,
      clientId: 'bench-health-sink',
      onMessage: (m) => {
        if (decodePayload(HealthSchema, m.payload).ok) validated++;
      },
    });
    await sub.subscribe([{ topic: filters.allScreenChannel('health'), qos: 0 }]);
    await fleetB.connect(base.screens, {
      ...DEFAULT_BEHAVIOUR,
      host: base.host,
      port: base.port,
      subscribeFeeds: false,
    });
    if (base.brokerPid === null) throw new Error('baseline has no broker pid');
    steps.push(...(await stepRates(base, fleetB, base.brokerPid, rates, durationMs, opts, null)));
    await sub.end();
  } finally {
    await fleetB.close();
    await base.stop();
  }

  const provisioned = await sharedProvision(n, opts.log);
  const srv = await startServerTarget({ count: n, external: false, provisioned, log: opts.log });
  const fleet = new Fleet(opts.workers);
  let invalid: number | null = null;
  try {
    await fleet.connect(srv.screens, {
      ...DEFAULT_BEHAVIOUR,
      host: srv.host,
      port: srv.port,
      subscribeFeeds: false,
    });
    const server = srv.server;
    if (!server) throw new Error('no server process');
    steps.push(
      ...(await stepRates(srv, fleet, server.pid, rates, durationMs, opts, () => server.loopDelay())),
    );
    // The server really processed them: the latest health of a screen is visible over REST, none invalid.
    const one = await srv.rest?.json<{ health: unknown }>('GET', `/api/v1/screens/${srv.screens[0]?.id}`);
    if (!one?.health) throw new Error('the server shows no health for a screen that sent some');
    const metrics = await fetch(`${server.httpUrl}/metrics`).then((r) => r.text());
    invalid = metrics
      .split('\n')
      .filter((l) => l.startsWith('stander_invalid_messages_total') && l.includes('kind="health"'))
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  } finally {
    await fleet.close();
    await srv.stop();
  }

  const server = steps.filter((s) => s.target === 'embedded');
  const baseline = steps.filter((s) => s.target === 'mosquitto');
  const sustained = rateAtCpu(server);
  const baseSustained = rateAtCpu(baseline);
  const fleetAt30s = sustained === null ? null : sustained * 30;
  const goals: Goal[] = [
    {
      what: 'health messages/s below 80% CPU, enough for 10,000 screens reporting every 30 s',
      target: '≥ 334 msg/s',
      reached: sustained === null ? null : sustained >= 334,
    },
  ];
  return {
    name: 'telemetry',
    title: 'Telemetry: health messages per second below 80% CPU',
    guide: `${n} screens send health reports (QoS 0, the real payload) at stepped total rates for ${durationMs / 1000} s each. "CPU %" is the control-server process's user+system time over wall time (100% = one full core; the server is one Node process). "sustained" is the rate at ${CPU_LIMIT}% CPU, interpolated between the steps around it; a step whose event-loop delay p99 exceeds ${LOOP_LIMIT_MS} ms did not keep up and counts as over the limit (on a busy machine the CPU share is what the process got, not what it needed). Baseline: bare Mosquitto's own CPU at the same rates while one subscriber receives and validates every report, i.e. the broker part alone.`,
    summary: {
      screens: n,
      sustainedMsgPerS: sustained,
      /** True when no step reached the CPU limit: the figure is then a lower bound. */
      sustainedIsLowerBound: !server.some((x) => over(x, CPU_LIMIT)),
      baselineSustainedMsgPerS: baseSustained,
      screensAt30sInterval: fleetAt30s,
      invalidHealth: invalid,
      baselineValidated: validated,
      steps,
    },
    table: {
      columns: ['target', 'rate msg/s', 'sent msg/s', 'CPU %', 'event-loop p99 ms'],
      rows: steps.map((s) => [s.target, s.rate, s.achieved, s.cpuPercent, s.loopP99Ms]),
    },
    goals,
    notes: [
      `At the agent's default interval of 30 s, ${sustained ?? '—'} msg/s carries about ${fleetAt30s ?? '—'} screens per server core.`,
      "If the simulator cannot send a step's rate (sent < 85% of it), the run stops there: the figure is then a lower bound set by the load generator, not the server.",
    ],
  };
}
