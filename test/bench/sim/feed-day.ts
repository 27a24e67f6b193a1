import { Registry } from 'prom-client';
import type { Bus } from '../../../control-server/bus.ts';
import { loadFeedsConfig, startFeeds } from '../../../control-server/feeds/index.ts';
import { silentLogger } from '../../../control-server/log.ts';

export interface TopicTraffic {
  /** Publishes per simulated day (scaled from the simulated span). */
  perDay: number;
  /** Mean payload bytes of those publishes. */
  meanBytes: number;
  lastPayload: Buffer;
}

/**
 * Runs the real feed poller (control-server/feeds) over the demo sources with a hand-moved clock,
 * polling each source at its configured interval through `hours` of simulated time, and counts what it
 * actually publishes (it skips unchanged snapshots). A Bus that records publishes stands in for the broker.
 */
export async function simulateFeedDay(
  configFile: string,
  hours: number,
  startAt = Date.parse('2026-05-23T06:00:00+02:00'),
): Promise<Map<string, TopicTraffic>> {
  const { config } = await loadFeedsConfig(configFile);
  const sources = config.sources.filter((s) => s.enabled);
  const seen = new Map<string, { count: number; bytes: number; last: Buffer }>();
  let counting = false;
  const bus: Bus = {
    async publish(topic, payload) {
      if (!counting) return;
      const buf = typeof payload === 'string' ? Buffer.from(payload) : payload;
      const s = seen.get(topic) ?? { count: 0, bytes: 0, last: buf };
      s.count++;
      s.bytes += buf.length;
      s.last = buf;
      seen.set(topic, s);
    },
    async subscribe() {
      return () => {};
    },
  };
  let clock = startAt;
  const feeds = await startFeeds({
    configFile,
    bus,
    log: silentLogger(),
    registry: new Registry(),
    now: () => new Date(clock),
    initialPoll: true,
  });
  try {
    counting = true;
    const step = Math.min(...sources.map((s) => s.intervalS));
    const end = startAt + hours * 3600_000;
    for (let t = step; clock + step * 1000 <= end; t += step) {
      clock = startAt + t * 1000;
      for (const s of sources) if (t % s.intervalS === 0) await feeds.refresh(s.id);
    }
  } finally {
    await feeds.stop();
  }
  const scale = 24 / hours;
  const out = new Map<string, TopicTraffic>();
  for (const [topic, s] of seen)
    out.set(topic, { perDay: s.count * scale, meanBytes: s.bytes / s.count, lastPayload: s.last });
  return out;
}
