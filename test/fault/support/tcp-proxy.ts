import net from 'node:net';

/**
 * A loopback-only TCP proxy for outage tests: it sits between screens and the broker and can
 * cut every connection, refuse new ones, delay traffic or drop (blackhole) it. Bounded: it
 * listens on 127.0.0.1 only, forwards only to a 127.0.0.0/8 target, and holds at most
 * `maxConnections` sockets.
 */
export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

export interface TcpProxyOptions {
  targetPort: number;
  targetHost?: string;
  maxConnections?: number;
}

export class TcpProxy {
  private server = net.createServer((client) => this.onClient(client));
  private pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private mode: ProxyMode = 'pass';
  private delayMs = 0;
  readonly targetHost: string;
  readonly targetPort: number;
  readonly maxConnections: number;
  port = 0;
  /** Counters for the test report. */
  stats = { accepted: 0, refused: 0, cuts: 0, bytesUp: 0, bytesDown: 0 };

  constructor(opts: TcpProxyOptions) {
    this.targetHost = opts.targetHost ?? '127.0.0.1';
    if (!/^127\./.test(this.targetHost)) throw new Error('TcpProxy forwards to loopback addresses only');
    this.targetPort = opts.targetPort;
    this.maxConnections = opts.maxConnections ?? 2000;
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('proxy has no port');
    this.port = addr.port;
    return this.port;
  }

  /** pass: forward; refuse: close new connections at once; blackhole: accept and swallow bytes. */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
  }

  /** Adds latency to every chunk in both directions. */
  setDelay(ms: number): void {
    this.delayMs = Math.max(0, ms);
  }

  /** Destroys every open connection abruptly (no FIN handshake with the broker's protocol). */
  cutAll(): number {
    let n = 0;
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
      n++;
    }
    this.pairs.clear();
    this.stats.cuts += n;
    return n;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onClient(client: net.Socket): void {
    if (this.mode === 'refuse' || this.pairs.size >= this.maxConnections) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    this.stats.accepted++;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    this.pipe(client, upstream, 'bytesUp');
    this.pipe(upstream, client, 'bytesDown');
  }

  private pipe(from: net.Socket, to: net.Socket, counter: 'bytesUp' | 'bytesDown'): void {
    from.on('data', (chunk: Buffer) => {
      if (this.mode === 'blackhole') return;
      this.stats[counter] += chunk.length;
      if (this.delayMs === 0) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
      }, this.delayMs);
    });
  }
}
