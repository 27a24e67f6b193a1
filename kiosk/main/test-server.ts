import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny real HTTP server for the shell tests: serves one page and records every request it gets. */
export interface RecordingServer {
  url: string;
  origin: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startPageServer(html: string, host = '127.0.0.1', port = 0): Promise<RecordingServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'access-control-allow-origin': '*' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/`,
    origin,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
