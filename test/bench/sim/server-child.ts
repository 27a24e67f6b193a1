/**
 * Runs one control server in its own process for the benchmarks, so that its sockets, CPU and
 * event loop are measured apart from the simulator (and 10,000 server-side plus 10,000 client-side
 * sockets do not share one file-descriptor table). Speaks to the parent over the fork IPC channel.
 *
 * argv: JSON of { dataDir, adminPassword, httpPort?, mqttPort?, brokerUrl?, env?, options? }
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

interface ChildArgs {
  dataDir: string;
  adminPassword: string;
  httpPort?: number;
  mqttPort?: number;
  brokerUrl?: string;
  env?: Record<string, string>;
  /** More startServer options (JSON-serialisable), e.g. {mosquitto: {...}, brokerPassword}. */
  options?: Record<string, unknown>;
}

interface Started {
  httpPort?: number;
  mqttPort?: number | null;
  httpUrl?: string;
  mqttUrl?: string | null;
  ports?: { http?: number; mqtt?: number | null };
  urls?: { http?: string; mqtt?: string | null };
  close?: () => Promise<void>;
  stop?: () => Promise<void>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
for (const [k, v] of Object.entries(args.env ?? {})) process.env[k] = v;
process.env.LOG_LEVEL ??= 'warn';
process.env.STANDER_LOG_LEVEL ??= 'warn';

const send = (m: unknown) => process.send?.(m);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

try {
  // Resolved at run time: the benchmarks only need startServer's documented options and result.
  const serverModule = new URL('../../../control-server/server.ts', import.meta.url).href;
  const mod = (await import(serverModule)) as {
    startServer: (o: Record<string, unknown>) => Promise<Started>;
  };
  const server = await mod.startServer({
    dataDir: args.dataDir,
    httpPort: args.httpPort ?? 0,
    mqttPort: args.mqttPort ?? 0,
    adminPassword: args.adminPassword,
    host: '127.0.0.1',
    ...(args.brokerUrl ? { brokerUrl: args.brokerUrl } : {}),
    ...(args.options ?? {}),
  });
  const httpUrl =
    server.httpUrl ?? server.urls?.http ?? `http://127.0.0.1:${server.httpPort ?? server.ports?.http}`;
  const mqttPort = server.mqttPort ?? server.ports?.mqtt ?? null;
  send({ type: 'ready', httpUrl, mqttPort });
  // The benchmark died (Ctrl-C, crash): do not linger as an orphan holding ports and sockets.
  process.on('disconnect', () => {
    void (server.close ?? server.stop)?.call(server).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'loop') {
      send({
        type: 'loop',
        p99Ms: loopDelay.percentile(99) / 1e6,
        maxMs: loopDelay.max / 1e6,
        meanMs: loopDelay.mean / 1e6,
      });
      loopDelay.reset();
    } else if (m.type === 'stop') {
      await (server.close ?? server.stop)?.call(server);
      send({ type: 'stopped' });
      process.exit(0);
    }
  });
} catch (e) {
  send({ type: 'error', error: (e as Error).stack ?? String(e) });
  process.exit(1);
}
