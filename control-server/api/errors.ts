import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorResponse } from '../../protocol/index.ts';
import type { Logger } from '../log.ts';
import { ConflictError, NotFoundError } from '../store/index.ts';

/** An error with an HTTP status; the message is safe to show to the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: ErrorResponse['issues'],
  ) {
    super(message);
  }
}

/** Parses a request part with a zod schema; throws 400 with every issue's path and reason. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 50).map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.message,
  }));
  const first = issues[0];
  throw new HttpError(400, `invalid ${what}${first ? `: ${first.path}: ${first.message}` : ''}`, issues);
}

/** Express 5 forwards rejected promises itself; this only narrows the handler type. */
export const route =
  (fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler =>
  async (req, res) => {
    await fn(req, res);
  };

export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` } satisfies ErrorResponse);
  };
}

/** Every error becomes JSON {error, issues?}; internals are logged, never sent. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: ErrorResponse = { error: 'internal error' };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.message, ...(err.issues ? { issues: err.issues } : {}) };
    } else if (err instanceof NotFoundError) {
      status = 404;
      body = { error: err.message };
    } else if (err instanceof ConflictError) {
      status = 409;
      body = { error: err.message, ...(err.issues ? { issues: err.issues } : {}) };
    } else if (isDiskFull(err)) {
      // The store rolled the change back; say so plainly (507 Insufficient Storage).
      status = 507;
      body = { error: 'the server is out of disk space: nothing was saved; free space on its data volume' };
    } else if (isClientHttpError(err)) {
      // body-parser (413, bad JSON), send (416 range), and other http-errors of the 4xx class.
      status = err.status;
      body = {
        error:
          err.type === 'entity.too.large'
            ? `request body too large (limit ${err.limit} bytes)`
            : err.type === 'entity.parse.failed'
              ? 'request body is not valid JSON'
              : err.message,
      };
    }
    if (status >= 500)
      log.error(
        { err, method: req.method, path: req.path },
        body.error === 'internal error' ? 'request failed' : body.error,
      );
    res.locals.auditDetail = body.error;
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}

interface ClientHttpError {
  status: number;
  type?: string;
  limit?: number;
  message: string;
}
function isClientHttpError(e: unknown): e is ClientHttpError {
  if (typeof e !== 'object' || e === null) return false;
  const status = (e as ClientHttpError).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** ENOSPC (no space) or EDQUOT (quota), on the error or its cause. */
function isDiskFull(err: unknown): boolean {
  for (
    let e = err, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
