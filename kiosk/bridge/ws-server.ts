import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { describeZodError } from '../../protocol/index.ts';
import type { Logger } from '../agent/log.ts';
import { BridgeClientMessageSchema } from './actions.ts';
import type { BridgeAction, BridgeServerMessage, KioskState } from './types.ts';

/**
 * The screen's local UI server for the browser shell, bound to 127.0.0.1 only:
 *   GET /                 the built renderer (dist/renderer), SPA fallback to index.html
 *   GET /assets/{sha256}  verified campaign assets from the content store (with Range, for video)
 *   WS  /bridge           {type:'state'} on connect and on change (debounced); accepts {type:'action'}
 * Requests must name this server as Host, and WebSocket origins must be this server, so a web
 * page elsewhere cannot reach the bridge through DNS rebinding.
 */

export interface BridgeApi {
  getState(): KioskState;
  subscribe(listener: (state: KioskState) => void): () => void;
  dispatch(action: BridgeAction): void;
}

export interface AssetSource {
  open(sha256: string): { path: string; size: number; mime: string } | null;
}

export interface UiServerOptions {
  host?: string;
  port: number;
  rendererDir: string;
  api: BridgeApi;
  assets: AssetSource;
  log: Logger;
  debounceMs?: number;
  /** GET /tiles/... (the local map tiles file, kiosk/agent/tiles/service.ts); absent: 404. */
  tiles?: { handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> };
}

export interface UiServer {
  url: string;
  port: number;
  /** Connected bridge clients. */
  clients(): number;
  /** Invalid messages received on the bridge since start. */
  invalidMessages(): number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.geojson': 'application/geo+json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stander — UI not built</title>
<style>body{font:20px/1.5 system-ui,sans-serif;background:#10212b;color:#fff;display:grid;place-items:center;height:100vh;margin:0}
main{max-width:40em;padding:2em}code{background:#0006;padding:.1em .4em;border-radius:4px}</style></head>
<body><main data-view="not-built"><h1>UI not built</h1><p>The screen's agent is running, but the renderer has not been
built yet. Run <code>npm run build</code> in the project root, then reload.</p></main></body></html>`;

/**
 * Content-Security-Policy of everything the UI server sends: scripts, styles, fonts and media
 * only from this origin, the bridge WebSocket only to this server, no inline script, no eval,
 * no plugins, no frames, no forms, no <base>. Campaign text that slips markup in stays inert.
 */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Inline styles stay allowed: the map view sets them (tested by the idle-prompt e2e); styles run no code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'bad' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]));
  }
  if (start > end || start >= size) return 'bad';
  return { start, end };
}

async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { path: string; size: number; type: string; immutable: boolean },
): Promise<void> {
  const range = parseRange(req.headers.range, file.size);
  const headers: Record<string, string | number> = {
    'content-type': file.type,
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
    'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (range === 'bad') {
    res.writeHead(416, { 'content-range': `bytes */${file.size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  headers['content-length'] = Math.max(0, end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || file.size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(file.path, { start, end });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  let port = opts.port;
  let invalid = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));
  const rendererRoot = normalize(opts.rendererDir);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('content-security-policy', contentSecurityPolicy(port));
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    if (!allowedHosts().has(req.headers.host ?? '')) return send(res, 403, 'forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(res, 400, 'bad path');
    }
    if (path === '/bridge') return send(res, 426, 'WebSocket upgrade required');
    if (path.startsWith('/tiles/'))
      return opts.tiles ? opts.tiles.handle(req, res, path) : send(res, 404, 'no map tiles');
    const asset = /^\/assets\/([a-f0-9]{64})$/.exec(path);
    if (asset) {
      const f = opts.assets.open(asset[1]!);
      if (!f) return send(res, 404, 'asset not available');
      return serveFile(req, res, { path: f.path, size: f.size, type: f.mime, immutable: true });
    }
    const rel = normalize(path).replace(/^([/\\])+/, '');
    const candidate = join(rendererRoot, rel);
    if (candidate !== rendererRoot && !candidate.startsWith(rendererRoot + sep))
      return send(res, 403, 'forbidden');
    const tryFile = async (p: string) => {
      try {
        const s = await stat(p);
        return s.isFile() ? s.size : null;
      } catch {
        return null;
      }
    };
    let file = rel === '' ? null : candidate;
    let size = file ? await tryFile(file) : null;
    if (size === null) {
      // Unknown paths without an extension are client-side routes: serve the app.
      if (rel !== '' && extname(rel) !== '') return send(res, 404, 'not found');
      file = join(rendererRoot, 'index.html');
      size = await tryFile(file);
      if (size === null) return send(res, 503, NOT_BUILT, 'text/html; charset=utf-8');
    }
    const type = MIME[extname(file!).toLowerCase()] ?? 'application/octet-stream';
    // Vite puts content hashes in names under assets/; everything else may change with a rebuild.
    const immutable = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(file!);
    return serveFile(req, res, { path: file!, size, type, immutable });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      opts.log.error({ err: e.message, url: req.url }, 'UI server error');
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const origin = req.headers.origin;
    const okHost = allowedHosts().has(req.headers.host ?? '');
    const okOrigin = origin === undefined || allowedOrigins().has(origin);
    if (path !== '/bridge' || !okHost || !okOrigin) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const stateMessage = (state: KioskState) =>
    JSON.stringify({ type: 'state', state } satisfies BridgeServerMessage);
  wss.on('connection', (ws: WebSocket) => {
    ws.send(stateMessage(opts.api.getState()));
    ws.on('message', (raw) => {
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        invalid++;
        opts.log.warn('bridge message is not JSON; ignored');
        return;
      }
      const r = BridgeClientMessageSchema.safeParse(json);
      if (!r.success) {
        invalid++;
        opts.log.warn({ error: describeZodError(r.error) }, 'invalid bridge message ignored');
        return;
      }
      opts.api.dispatch(r.data.action);
    });
  });

  // One subscription for all clients, debounced so a burst of changes is one message.
  let timer: NodeJS.Timeout | null = null;
  const debounceMs = opts.debounceMs ?? 100;
  const unsubscribe = opts.api.subscribe(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (wss.clients.size === 0) return;
      const msg = stateMessage(opts.api.getState());
      for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(msg);
    }, debounceMs);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  opts.log.info({ url }, 'UI server listening');

  return {
    url,
    port,
    clients: () => wss.clients.size,
    invalidMessages: () => invalid,
    close: async () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
