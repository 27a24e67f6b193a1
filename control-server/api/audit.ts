import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../log.ts';
import { counter } from '../metrics.ts';
import type { AuditOutcome, Store } from '../store/index.ts';
import { principalOf } from './auth.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const auditWrites = counter('stander_audit_entries_total', 'Audit log entries written, by outcome', [
  'outcome',
] as const);
const auditFailures = counter(
  'stander_audit_write_failures_total',
  'Audit entries that could not be written',
);

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  if (status === 404) return 'not-found';
  if (status < 500) return 'invalid';
  return 'error';
}

/** Names this request's audit entry; routes call it as soon as they know what they act on. */
export function auditAs(res: Response, action: string, target: string | null = null): void {
  res.locals.auditAction = action;
  if (target !== null) res.locals.auditTarget = target;
}

/**
 * Names a route's audit entry before authentication runs, so refused requests (401/403) are
 * recorded with their action and target too. `target` takes the route's `:id` parameter.
 */
export function audited(action: string, target?: (id: string) => string): RequestHandler {
  return (req, res, next) => {
    const id = req.params.id;
    auditAs(res, action, target && typeof id === 'string' ? target(id) : null);
    next();
  };
}

/**
 * Every mutating request (successful or not) ends up in the audit log: who, what, target, when,
 * outcome, status, client address and, for failures, the error message. The entry is written
 * durably before the answer leaves (res.end waits for it), so an acknowledged change is always
 * audited, also when the client has gone away. Paths under `skip` (machine-to-machine hooks) are
 * not audited.
 */
export function auditMiddleware(store: Store, log: Logger, skip: readonly string[] = []): RequestHandler {
  return (req, res, next) => {
    if (!MUTATING.has(req.method) || skip.some((p) => req.path.startsWith(p))) return next();
    const started = new Date().toISOString();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let audited = false;
    const patched = (...args: unknown[]): Response => {
      if (audited) return end(...args);
      audited = true;
      const entry = entryOf(req, res, started);
      store.audit(entry).then(
        () => {
          auditWrites.inc({ outcome: entry.outcome });
          end(...args);
        },
        (err: unknown) => {
          auditFailures.inc();
          log.error({ err, entry }, 'audit entry could not be written');
          end(...args);
        },
      );
      return res;
    };
    res.end = patched as Response['end'];
    next();
  };
}

function entryOf(req: Request, res: Response, at: string) {
  const p = principalOf(res);
  const actor =
    p?.kind === 'user'
      ? p.username
      : p?.kind === 'screen'
        ? `screen:${p.screenId}`
        : typeof res.locals.auditActor === 'string'
          ? `anonymous:${res.locals.auditActor.slice(0, 100)}`
          : 'anonymous';
  const outcome = outcomeOf(res.statusCode);
  const detail =
    typeof res.locals.auditDetail === 'string' ? res.locals.auditDetail.slice(0, 500) : undefined;
  return {
    at,
    actor,
    action: typeof res.locals.auditAction === 'string' ? res.locals.auditAction : `${req.method} ${req.path}`,
    target: typeof res.locals.auditTarget === 'string' ? res.locals.auditTarget : null,
    outcome,
    status: res.statusCode,
    ...(req.ip ? { ip: req.ip } : {}),
    ...(detail && outcome !== 'ok' ? { detail } : {}),
  };
}
