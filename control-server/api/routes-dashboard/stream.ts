import express, { type RequestHandler, type Router } from 'express';
import type { ApiContext } from '../deps.ts';
import type { LiveEvent, LiveHub } from './hub.ts';

export interface StreamOptions {
  /** Comment lines keep proxies and browsers from timing the stream out. */
  heartbeatMs?: number;
  /** Open streams at most; more answer 503. */
  maxClients?: number;
  /** Bytes queued for a slow client before it is dropped (it reconnects and reloads). */
  maxBufferedBytes?: number;
}

/**
 * GET /api/v1/stream: the dashboard's live updates as Server-Sent Events. Auth as everywhere
 * (`Authorization: Bearer`), or `?token=` since EventSource cannot send headers. Each event is
 * named by its type (presence, health, command-result, delivery, campaign, plays, alert) and
 * carries JSON. Technician-only data (health, command results, alerts) goes only to roles that may
 * read it.
 */
export function streamRouter(hub: LiveHub, ctx: ApiContext, opts: StreamOptions = {}): Router {
  const r = express.Router();
  let open = 0;
  const tokenFromQuery: RequestHandler = (req, _res, next) => {
    const q = req.query.token;
    if (!req.headers.authorization && typeof q === 'string' && q.length > 0 && q.length < 600) {
      req.headers.authorization = `Bearer ${q}`;
    }
    next();
  };
  r.get(
    '/api/v1/stream',
    tokenFromQuery,
    ctx.authenticate(),
    ctx.requireRole('admin', 'operator', 'technician'),
    (req, res) => {
      const p = ctx.principalOf(res);
      const role = p?.kind === 'user' ? p.role : null;
      if (open >= (opts.maxClients ?? 500)) {
        res.status(503).json({ error: 'too many live streams open' });
        return;
      }
      open++;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      res.flushHeaders();
      const technical = role === 'admin' || role === 'technician';
      const maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        open--;
        unsubscribe();
        clearInterval(beat);
      };
      const send = (e: LiveEvent) => {
        if (!technical && (e.type === 'health' || e.type === 'command-result' || e.type === 'alert')) return;
        if (res.writableLength > maxBuffered) {
          res.destroy();
          close();
          return;
        }
        const { type, ...data } = e;
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = hub.subscribe(send);
      const beat = setInterval(() => res.write(`: ${Date.now()}\n\n`), opts.heartbeatMs ?? 15_000);
      beat.unref();
      req.on('close', close);
      res.on('error', close);
    },
  );
  return r;
}
