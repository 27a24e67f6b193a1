import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small real HTTP server for tests that serves blobs the way the control server's
 * /content/{sha256} route does: bearer auth, Range requests (206 + Content-Range), and
 * a switch that cuts the connection after a number of bytes to simulate a broken download.
 */
export interface AssetServer {
  url: string;
  server: Server;
  /** Every request seen: path, Range and Authorization headers. */
  requests: { path: string; range: string | undefined; authorization: string | undefined }[];
  /** Cut the next response of this path after this many body bytes. */
  cutNext(path: string, afterBytes: number): void;
  close(): Promise<void>;
}

export async function startAssetServer(
  blobs: Map<string, Buffer>,
  opts: { authorization?: string } = {},
): Promise<AssetServer> {
  const cuts = new Map<string, number>();
  const requests: AssetServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, range: req.headers.range, authorization: req.headers.authorization });
    if (opts.authorization && req.headers.authorization !== opts.authorization) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const body = blobs.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    let end = body.length - 1;
    let status = 200;
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (m[2]) end = Math.min(end, Number(m[2]));
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      status = 206;
    }
    const slice = body.subarray(start, end + 1);
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'content-length': slice.length,
      'accept-ranges': 'bytes',
    };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${body.length}`;
    res.writeHead(status, headers);
    const cut = cuts.get(path);
    if (cut !== undefined) {
      cuts.delete(path);
      res.write(slice.subarray(0, cut), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    cutNext: (path, afterBytes) => cuts.set(path, afterBytes),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
