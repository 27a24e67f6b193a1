import { createServer, type Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import pino from 'pino';
import { startServer, type StanderServer } from '../../control-server/server.ts';
import {
  type AssetRef,
  type CampaignInput,
  encodePayload,
  type FeedSnapshot,
  FeedSnapshotSchema,
  snapshotId,
  topics,
} from '../../protocol/index.ts';

/**
 * Helpers for the agent's integration tests against the real control server (store, embedded
 * broker, REST API, content route). Nothing here mocks our own code.
 */

export const ADMIN_PASSWORD = 'agent-test-admin-pw';

export async function startRealServer(
  dataDir: string,
  ports: { httpPort: number; mqttPort: number } = { httpPort: 0, mqttPort: 0 },
): Promise<StanderServer> {
  return startServer({
    dataDir,
    ...ports,
    host: '127.0.0.1',
    adminPassword: ADMIN_PASSWORD,
    log: pino({ level: process.env.STANDER_DEBUG ? 'debug' : 'silent' }),
  });
}

export class Admin {
  private constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  static async login(baseUrl: string): Promise<Admin> {
    const r = await fetch(`${baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    const { token } = (await r.json()) as { token: string };
    return new Admin(baseUrl, token);
  }

  async call<T>(method: string, path: string, body?: unknown, expect = [200, 201, 202, 204]): Promise<T> {
    const r = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!expect.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  createScreen(body: Record<string, unknown>): Promise<{ id: string; token: string }> {
    return this.call('POST', '/api/v1/screens', body);
  }

  async upload(bytes: Buffer, mime = 'image/png'): Promise<AssetRef> {
    const r = await fetch(`${this.baseUrl}/api/v1/content?name=test.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': mime },
      body: new Uint8Array(bytes),
    });
    const body = (await r.json()) as { asset?: AssetRef; error?: string };
    if (!r.ok || !body.asset) throw new Error(`upload failed: ${r.status} ${body.error}`);
    return body.asset;
  }

  createCampaign(c: CampaignInput): Promise<{ id: string }> {
    return this.call('POST', '/api/v1/campaigns', c);
  }
}

/** A PNG of noise that does not compress, about width*height*4 bytes. */
export function noisePng(width: number, height: number, seed = 1): Buffer {
  const png = new PNG({ width, height });
  let x = seed >>> 0 || 1;
  for (let i = 0; i < png.data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    png.data[i] = x & 0xff;
  }
  return PNG.sync.write(png);
}

/** Publishes a feed snapshot as the feed poller does: retained, QoS 1, on the server's own bus. */
export function publishFeed(server: StanderServer, snap: FeedSnapshot): Promise<void> {
  return server.bus.publish(
    topics.feed(snap.kind, snapshotId(snap)),
    encodePayload(FeedSnapshotSchema, snap),
    {
      retain: true,
      qos: 1,
    },
  );
}

/**
 * A TCP proxy in front of the control server's HTTP port that can cut one response after a
 * number of bytes: a download that breaks off half way, over a real socket.
 */
export interface CuttingProxy {
  url: string;
  /** Cut the next connection after this many bytes from the server. */
  cutNextAfter(bytes: number): void;
  /** Bytes forwarded from the server on each connection so far. */
  connections: number[];
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let cutAt: number | null = null;
  const connections: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const index = connections.push(0) - 1;
    const limit = cutAt;
    cutAt = null;
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (d: Buffer) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      const sent = connections[index]!;
      if (limit !== null && sent + d.length >= limit) {
        client.write(d.subarray(0, Math.max(0, limit - sent)), () => {
          client.destroy();
          upstream.destroy();
        });
        connections[index] = limit;
        return;
      }
      connections[index] = sent + d.length;
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cutNextAfter: (bytes) => {
      cutAt = bytes;
    },
    connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function until<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
  stepMs = 5,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
