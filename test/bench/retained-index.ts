/**
 * Retained lookup benchmark: what one SUBSCRIBE with retained delivery costs the broker as the
 * retained store grows. aedes-persistence's in-memory store tests every retained message against each
 * subscribed filter (O(retained) per SUBSCRIBE, so a fleet's connect storm is O(N²)); the embedded
 * broker's RetainedIndex (control-server/broker/retained-index.ts) walks only the filter's branch.
 *
 * Both run in the same process on a bare aedes with one MQTT client that subscribes, one after the
 * other, to exact topics that each hold a retained message, and waits for that message each time.
 *
 * `npx tsx test/bench/retained-index.ts [--quick] [--retained N] [--subscribes K]` runs it alone and
 * prints the figures; `npm run bench -- retained-index` calls `run()`.
 */
import net from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { indexedMemoryPersistence } from '../../control-server/broker/retained-index.ts';
import type { BenchOptions, BenchResult } from './results.ts';
import { writeResult } from './results.ts';

type Store = 'aedes-persistence' | 'retained-index';

interface Measured {
  store: Store;
  retained: number;
  subscribes: number;
  totalMs: number;
  usPerSubscribe: number;
}

const topicOf = (i: number) => `stander/v1/screens/s${i}/config`;

async function measure(store: Store, retained: number, subscribes: number): Promise<Measured> {
  const aedes = await Aedes.createBroker(
    store === 'retained-index' ? { persistence: indexedMemoryPersistence() } : {},
  );
  const server = net.createServer((s) => {
    s.setNoDelay(true); // as the embedded broker does; otherwise Nagle's 40 ms hides the lookup
    aedes.handle(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const client = mqtt.connect({ host: '127.0.0.1', port, protocolVersion: 4, reconnectPeriod: 0 });
  try {
    const payload = Buffer.from(JSON.stringify({ v: 1, configVersion: 1, pad: 'x'.repeat(200) }));
    for (let i = 0; i < retained; i++) {
      await new Promise<void>((resolve, reject) =>
        aedes.publish(
          { cmd: 'publish', topic: topicOf(i), payload, qos: 0, retain: true, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    }
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const step = Math.max(1, Math.floor(retained / subscribes));
    const t0 = performance.now();
    for (let k = 0; k < subscribes; k++) {
      const topic = topicOf((k * step) % retained);
      await new Promise<void>((resolve, reject) => {
        const onMessage = (t: string) => {
          if (t !== topic) return;
          client.off('message', onMessage);
          resolve();
        };
        client.on('message', onMessage);
        client.subscribe(topic, { qos: 0 }, (err) => err && reject(err));
      });
    }
    const totalMs = performance.now() - t0;
    return {
      store,
      retained,
      subscribes,
      totalMs: Math.round(totalMs),
      usPerSubscribe: Math.round((totalMs * 1000) / subscribes),
    };
  } finally {
    await client.endAsync(true);
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  }
}

export async function run(
  opts: Partial<BenchOptions> & { quick?: boolean; retained?: number; subscribes?: number },
): Promise<BenchResult> {
  const retained = opts.retained ?? opts.screens?.[0] ?? (opts.quick ? 2_000 : 20_000);
  const subscribes = opts.subscribes ?? (opts.quick ? 200 : 2_000);
  const runs: Measured[] = [];
  for (const store of ['aedes-persistence', 'retained-index'] as const) {
    opts.log?.(`  ${store}: ${retained} retained, ${subscribes} subscribes`);
    runs.push(await measure(store, retained, subscribes));
  }
  const [before, after] = runs as [Measured, Measured];
  const speedup = Math.round((before.totalMs / Math.max(1, after.totalMs)) * 10) / 10;
  return {
    name: 'retained-index',
    title: 'Retained lookup per SUBSCRIBE: aedes-persistence Map scan vs topic-indexed store',
    guide:
      `One MQTT client subscribes ${subscribes} times in a row to exact topics that each hold a retained ` +
      `message (${retained} retained in all) and waits for each message. "aedes-persistence" is aedes' ` +
      'default in-memory store (every retained message tested per filter); "retained-index" is the ' +
      "embedded broker's trie-indexed store. Same process, same run.",
    summary: {
      retained,
      subscribes,
      beforeUsPerSubscribe: before.usPerSubscribe,
      afterUsPerSubscribe: after.usPerSubscribe,
      beforeTotalMs: before.totalMs,
      afterTotalMs: after.totalMs,
      speedup,
    },
    table: {
      columns: ['store', 'retained', 'subscribes', 'total ms', 'µs per subscribe'],
      rows: runs.map((r) => [r.store, r.retained, r.subscribes, r.totalMs, r.usPerSubscribe]),
    },
    goals: [
      {
        what: 'SUBSCRIBE cost independent of the retained store size',
        target: 'retained-index at least 5x faster than the Map scan at 20,000 retained',
        reached: retained >= 20_000 ? speedup >= 5 : null,
      },
    ],
    notes: [],
  };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isMain) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  run({
    quick: process.argv.includes('--quick'),
    retained: arg('--retained'),
    subscribes: arg('--subscribes'),
    log: (l) => process.stderr.write(`${l}\n`),
  }).then(
    async (r) => {
      if (process.argv.includes('--write')) await writeResult(path.resolve('bench-results'), r);
      process.stdout.write(`${JSON.stringify(r.summary, null, 2)}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`retained-index benchmark failed: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
