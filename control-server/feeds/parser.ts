import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.ts';
import { adapterFor } from './adapters/index.ts';
import type { ParseReply, ParseRequest } from './parse-worker.ts';
import { type AdapterContext, type AdapterInputs, FeedParseError, type ParseResult } from './types.ts';

/** Runs an adapter: in-process, or on a worker thread so that a large document cannot stall the server. */
export interface Parser {
  parse(format: string, inputs: AdapterInputs, ctx: AdapterContext): Promise<ParseResult>;
  close(): Promise<void>;
}

export function inProcessParser(): Parser {
  return {
    async parse(format, inputs, ctx) {
      const adapter = adapterFor(format);
      if (!adapter) throw new Error(`unknown format ${format}`);
      return adapter.parse(inputs, ctx);
    },
    async close() {},
  };
}

interface Pending {
  resolve: (r: ParseResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One parse thread, restarted when it dies or when a parse exceeds `timeoutMs` (a pathological document
 * then costs that source an error, not the server its responsiveness). Requests queue in the thread.
 */
export function workerParser(opts: { log: Logger; timeoutMs?: number }): Parser {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let closed = false;
  /** Threads started that never answered; after several, parse in-process (tsx missing, ...). */
  let silentStarts = 0;
  let fallback: Parser | null = null;

  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new FeedParseError(why));
      pending.delete(id);
    }
  };

  const start = (): Worker => {
    silentStarts++;
    const w = new Worker(new URL('./parse-worker-entry.mjs', import.meta.url));
    w.unref();
    w.on('message', (r: ParseReply) => {
      silentStarts = 0;
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      clearTimeout(p.timer);
      if (r.ok) p.resolve(r.result);
      else {
        const err =
          r.error.name === 'FeedParseError'
            ? new FeedParseError(r.error.message)
            : new Error(r.error.message);
        p.reject(err);
      }
    });
    w.on('error', (e) => {
      opts.log.error({ err: e }, 'feed parse worker failed');
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (!closed && pending.size > 0) failAll(`the parse worker stopped (exit code ${code})`);
    });
    return w;
  };

  return {
    parse(format, inputs, ctx) {
      if (closed) return Promise.reject(new Error('parser closed'));
      if (fallback) return fallback.parse(format, inputs, ctx);
      if (!worker && silentStarts >= 3) {
        opts.log.error('the feed parse worker does not start; parsing on the main thread from now on');
        fallback = inProcessParser();
        return fallback.parse(format, inputs, ctx);
      }
      worker ??= start();
      const w = worker;
      const id = nextId++;
      return new Promise<ParseResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new FeedParseError(
              `parsing took longer than ${timeoutMs / 1000} s; the parse worker was restarted`,
            ),
          );
          // Other requests queued on this thread are lost with it; they fail and their sources retry.
          if (worker === w) worker = null;
          failAll('the parse worker was restarted after a timeout');
          void w.terminate();
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        const req: ParseRequest = { id, format, inputs, ctx };
        w.postMessage(req);
      });
    },
    async close() {
      closed = true;
      failAll('parser closed');
      await worker?.terminate();
      worker = null;
    },
  };
}
