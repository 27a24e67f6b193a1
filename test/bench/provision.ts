/**
 * `npx tsx test/bench/provision.ts [--count N] [--existing K] [--concurrency C] [--batch B] [--json]`
 *
 * Provisioning cost per screen on the real composed server (in-process, embedded broker, a fresh
 * temp data dir each run, real HTTP): first K screens already in the store (made with the batch
 * endpoint, not timed), then N more (a) one POST /api/v1/screens each with C requests in flight, as
 * test/bench/sim's RestClient does, and (b) POST /api/v1/screens/batch with B screens per request.
 * Every store write serializes the whole database, so the single-screen path pays a write (plus an
 * audit write) per screen that grows with the fleet; a batch pays two per B screens.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ScreenCreate, ScreenBatchCreatedSchema, ScreenCreatedSchema } from '../../protocol/index.ts';
import { silentLogger } from '../../control-server/log.ts';
import { startServer } from '../../control-server/server.ts';

const PASSWORD = 'bench-provision-admin-pw';

export interface ProvisionFigures {
  existing: number;
  count: number;
  concurrency: number;
  batchSize: number;
  singleMsPerScreen: number;
  batchMsPerScreen: number;
  speedup: number;
}

const screen = (prefix: string, i: number): ScreenCreate => ({
  name: `${prefix} ${i}`,
  profile: 'info-screen',
  location: { lat: 55.6 + (i % 1000) / 10_000, lon: 12.5 + Math.floor(i / 1000) / 1000 },
  groups: ['bench'],
  tags: ['bench'],
});

async function withServer<T>(fn: (url: string, token: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stander-bench-provision-'));
  const server = await startServer({
    dataDir: dir,
    host: '127.0.0.1',
    httpPort: 0,
    mqttPort: 0,
    adminPassword: PASSWORD,
    log: silentLogger(),
  });
  try {
    const r = await fetch(`${server.httpUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { token } = (await r.json()) as { token: string };
    return await fn(server.httpUrl, token);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function post(url: string, token: string, p: string, body: unknown, want: number): Promise<unknown> {
  const r = await fetch(`${url}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== want) throw new Error(`POST ${p} -> ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function batchCreate(url: string, token: string, prefix: string, n: number, size: number) {
  for (let from = 0; from < n; from += size) {
    const screens = Array.from({ length: Math.min(size, n - from) }, (_, i) => screen(prefix, from + i));
    const r = ScreenBatchCreatedSchema.parse(
      await post(url, token, '/api/v1/screens/batch', { screens }, 201),
    );
    if (r.screens.length !== screens.length) throw new Error('batch answered fewer screens');
  }
}

export async function runProvisionBench(o: {
  count: number;
  existing: number;
  concurrency: number;
  batchSize: number;
}): Promise<ProvisionFigures> {
  const single = await withServer(async (url, token) => {
    await batchCreate(url, token, 'Existing', o.existing, 1000);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(o.concurrency, o.count) }, async () => {
        while (next < o.count) {
          const i = next++;
          ScreenCreatedSchema.parse(await post(url, token, '/api/v1/screens', screen('Single', i), 201));
        }
      }),
    );
    return performance.now() - t0;
  });
  const batch = await withServer(async (url, token) => {
    await batchCreate(url, token, 'Existing', o.existing, 1000);
    const t0 = performance.now();
    await batchCreate(url, token, 'Batch', o.count, o.batchSize);
    return performance.now() - t0;
  });
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    existing: o.existing,
    count: o.count,
    concurrency: o.concurrency,
    batchSize: o.batchSize,
    singleMsPerScreen: round(single / o.count),
    batchMsPerScreen: round(batch / o.count),
    speedup: round(single / batch),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      existing: { type: 'string', default: '9000' },
      concurrency: { type: 'string', default: '16' },
      batch: { type: 'string', default: '1000' },
      json: { type: 'boolean', default: false },
    },
  });
  const figures = await runProvisionBench({
    count: Number(values.count),
    existing: Number(values.existing),
    concurrency: Number(values.concurrency),
    batchSize: Number(values.batch),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else
    process.stdout.write(
      `provision: ${figures.count} screens into a store of ${figures.existing}: ` +
        `one POST each (${figures.concurrency} in flight) ${figures.singleMsPerScreen} ms/screen, ` +
        `batch of ${figures.batchSize} ${figures.batchMsPerScreen} ms/screen (${figures.speedup}x)\n`,
    );
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err: Error) => {
    process.stderr.write(`bench provision: ${err.message}\n`);
    process.exit(1);
  });
}
