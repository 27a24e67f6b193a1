import { createHash, randomBytes } from 'node:crypto';
import express, { type RequestHandler, type Response, type Router } from 'express';
import rateLimit from 'express-rate-limit';
import { type Role, SessionRequestSchema } from '../../protocol/index.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/index.ts';
import { audited } from './audit.ts';
import type { ApiLimits, Principal } from './deps.ts';
import { HttpError, parseOr400 } from './errors.ts';
import { clientKey, limitedAnswer } from './rate-limits.ts';

/**
 * Sessions: opaque random bearer tokens with an expiry, held in memory by their sha256 (a token
 * read from a heap dump still does not reveal the others). A restart logs everyone out.
 */
interface Session {
  username: string;
  role: Role;
  expiresAt: number;
}

export class Sessions {
  readonly #byHash = new Map<string, Session>();
  constructor(private readonly ttlMs: number) {}

  create(username: string, role: Role): { token: string; expiresAt: number } {
    this.#sweep();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + this.ttlMs;
    this.#byHash.set(digest(token), { username, role, expiresAt });
    return { token, expiresAt };
  }
  get(token: string): Session | null {
    const s = this.#byHash.get(digest(token));
    if (!s) return null;
    if (s.expiresAt <= Date.now()) {
      this.#byHash.delete(digest(token));
      return null;
    }
    return s;
  }
  revoke(token: string): boolean {
    return this.#byHash.delete(digest(token));
  }
  /** Ends every session of a user (password change, account disabled). */
  revokeUser(username: string): void {
    for (const [k, s] of this.#byHash) if (s.username === username) this.#byHash.delete(k);
  }
  get size(): number {
    return this.#byHash.size;
  }
  #sweep(): void {
    const now = Date.now();
    for (const [k, s] of this.#byHash) if (s.expiresAt <= now) this.#byHash.delete(k);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,600})$/i.exec(header.trim());
  return m?.[1] ?? null;
}

/**
 * Resolves the Authorization header to a principal. Users: `Bearer <session token>`. Screens
 * (content downloads only): `Bearer <screenId>:<device token>`.
 */
export function authenticate(
  sessions: Sessions,
  store: Store,
): (opts?: { allowScreens?: boolean }) => RequestHandler {
  return (opts = {}) =>
    async (req, res, next) => {
      const token = bearer(req.get('authorization'));
      if (!token) throw new HttpError(401, 'authentication required (Authorization: Bearer TOKEN)');
      const colon = token.indexOf(':');
      if (colon > 0) {
        if (!opts.allowScreens)
          throw new HttpError(401, 'screen tokens are only accepted for content downloads');
        const screenId = token.slice(0, colon);
        if (!(await store.verifyScreenToken(screenId, token.slice(colon + 1)))) {
          throw new HttpError(401, 'invalid screen credentials');
        }
        res.locals.principal = { kind: 'screen', screenId } satisfies Principal;
        return next();
      }
      const s = sessions.get(token);
      if (!s) throw new HttpError(401, 'invalid or expired session');
      // The account as it is now: a disabled or removed user is out at once, a role change applies.
      const user = store.getUser(s.username);
      if (!user || user.disabled) {
        sessions.revokeUser(s.username);
        throw new HttpError(401, 'invalid or expired session');
      }
      res.locals.principal = { kind: 'user', username: user.username, role: user.role } satisfies Principal;
      next();
    };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!p) throw new HttpError(401, 'authentication required');
    if (p.kind !== 'user' || !roles.includes(p.role)) {
      throw new HttpError(403, `this needs the role ${roles.join(' or ')}`);
    }
    next();
  };
}

/** POST/GET/DELETE /api/v1/session: login (rate-limited), who am I, logout. */
export function sessionRouter(o: {
  sessions: Sessions;
  store: Store;
  limits: ApiLimits;
  log: Logger;
  auth: (opts?: { allowScreens?: boolean }) => RequestHandler;
}): Router {
  const r = express.Router();
  const limited = (message: string) => limitedAnswer('login', message);
  const ip = clientKey;
  const username = (req: express.Request) => {
    const u = (req.body as { username?: unknown } | undefined)?.username;
    return typeof u === 'string' ? u.slice(0, 100).toLowerCase() : '';
  };
  // Failed attempts per (IP, username): stops guessing one account's password.
  const perAccount = rateLimit({
    windowMs: o.limits.loginWindowMs,
    limit: o.limits.loginAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => `${ip(req)}|${username(req)}`,
    handler: limited('too many failed logins for this user; try again later'),
  });
  // Every attempt per IP: stops spraying many usernames.
  const perIp = rateLimit({
    windowMs: o.limits.loginWindowMs,
    limit: o.limits.loginAttemptsPerIp,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: ip,
    handler: limited('too many login attempts from this address; try again later'),
  });

  r.post('/api/v1/session', audited('session.create'), perIp, perAccount, async (req, res) => {
    const body = parseOr400(SessionRequestSchema, req.body);
    res.locals.auditActor = body.username;
    const user = await o.store.verifyUser(body.username, body.password);
    if (!user) throw new HttpError(401, 'wrong username or password');
    const { token, expiresAt } = o.sessions.create(user.username, user.role);
    res.locals.principal = { kind: 'user', username: user.username, role: user.role } satisfies Principal;
    res.json({
      token,
      role: user.role,
      username: user.username,
      expiresAt: new Date(expiresAt).toISOString(),
    });
  });

  r.get('/api/v1/session', o.auth(), (req, res) => {
    const token = bearer(req.get('authorization')) ?? '';
    const s = o.sessions.get(token);
    const p = principalOf(res);
    if (!s || p?.kind !== 'user') throw new HttpError(401, 'invalid or expired session');
    res.json({ username: p.username, role: p.role, expiresAt: new Date(s.expiresAt).toISOString() });
  });

  r.delete('/api/v1/session', audited('session.delete'), o.auth(), (req, res) => {
    o.sessions.revoke(bearer(req.get('authorization')) ?? '');
    res.status(204).end();
  });
  return r;
}
