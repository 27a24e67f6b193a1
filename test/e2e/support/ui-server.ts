/**
 * A tiny real HTTP + WebSocket server for the renderer's e2e tests: serves dist/renderer and speaks
 * the agent's bridge protocol on /bridge ({type:'state', state} out, {type:'action', action} in).
 * Stands in for the kiosk agent's UI server (kiosk/bridge/ws-server.ts) with fixture state.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BridgeAction, BridgeServerMessage, KioskState } from '../../../kiosk/bridge/types.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface UiServer {
  url: string;
  actions: BridgeAction[];
  setState(state: KioskState): void;
  /** Drops every bridge connection (the renderer reconnects). */
  dropClients(): void;
  clients(): number;
  close(): Promise<void>;
}

export async function startUiServer(opts: { root?: string; state: KioskState }): Promise<UiServer> {
  const root = resolve(opts.root ?? join(import.meta.dirname, '../../../dist/renderer'));
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root}/index.html missing: run npm run build`);
  let state = opts.state;
  const actions: BridgeAction[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
    const file = join(root, rel || 'index.html');
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/bridge')) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const send = (ws: WebSocket) => {
    const msg: BridgeServerMessage = { type: 'state', state };
    ws.send(JSON.stringify(msg));
  };
  wss.on('connection', (ws) => {
    send(ws);
    ws.on('message', (data) => {
      try {
        const m = JSON.parse(String(data)) as { type?: string; action?: BridgeAction };
        if (m.type === 'action' && m.action) actions.push(m.action);
      } catch {
        // ignored: not JSON
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    actions,
    setState(s) {
      state = s;
      for (const c of wss.clients) send(c);
    },
    dropClients() {
      for (const c of wss.clients) c.terminate();
    },
    clients: () => wss.clients.size,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
