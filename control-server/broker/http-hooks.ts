import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { mqttAuthFailures, mqttDenied } from '../metrics.ts';
import {
  type Identity,
  PUBLIC_USERNAME,
  canPublish,
  canSubscribe,
  clientIdAllowed,
  identityLabel,
  isScreenUsername,
} from './acl.ts';
import type { AuthenticateScreen } from './embedded.ts';
import { checkScreenPublish, countInvalid } from './validate.ts';

/**
 * HTTP authentication and authorization for brokers that call out:
 *   POST /api/v1/broker/auth  and  POST /api/v1/broker/acl
 * Both speak EMQX 5's HTTP authn/authz format, and VerneMQ's webhooks (recognised by the
 * `vernemq-hook` header: auth_on_register -> /auth; auth_on_subscribe, auth_on_publish -> /acl).
 * See docs/external-broker.md for the broker-side configuration.
 */
export interface BrokerHooksOptions {
  authenticateScreen: AuthenticateScreen;
  serverUsername: string;
  serverPassword: string | null;
  /** When set, callers must send it as `x-stander-hook-secret` (or `?secret=`). */
  hookSecret: string | null;
  log: Logger;
}

const str = z.string().max(4096);
const EmqxAuthBody = z.object({
  username: str.optional(),
  password: str.optional(),
  clientid: str.optional(),
  /** Optional, from the listener template: `ws`/`wss` for the public identity. */
  transport: str.optional(),
});
const EmqxAclBody = z.object({
  username: str.optional(),
  clientid: str.optional(),
  topic: str,
  action: z.enum(['publish', 'subscribe', 'all']),
});
const VmqRegister = z.object({ username: str.nullish(), password: str.nullish(), client_id: str });
const VmqSubscribe = z.object({
  username: str.nullish(),
  client_id: str,
  topics: z.array(z.object({ topic: str, qos: z.number().int() })).max(100),
});
const VmqPublish = z.object({
  username: str.nullish(),
  client_id: str,
  topic: str,
  payload: z.string().max(2_000_000).optional(),
});

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createBrokerHooksRouter(o: BrokerHooksOptions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '3mb' }));

  router.use((req, res, next) => {
    if (!o.hookSecret) return next();
    const given =
      req.get('x-stander-hook-secret') ?? (typeof req.query.secret === 'string' ? req.query.secret : '');
    if (given && safeEqual(given, o.hookSecret)) return next();
    res.status(401).json({ error: 'unauthorized', message: 'missing or wrong hook secret' });
  });

  /** Resolves credentials to an identity, or null. */
  async function login(
    username: string | undefined,
    password: string | undefined,
    clientId: string,
    transport: string | undefined,
  ): Promise<Identity | null> {
    const fail = (reason: string) => {
      mqttAuthFailures.inc({ reason });
      o.log.warn({ username, clientId, reason }, 'broker hook refused a connection');
      return null;
    };
    if (!username) return fail('no-username');
    if (!clientIdAllowed(username, clientId)) return fail('client-id');
    if (username === PUBLIC_USERNAME) {
      if (password) return fail('public-password');
      if (transport && !/^wss?$/i.test(transport)) return fail('public-transport');
      return { kind: 'public' };
    }
    if (username === o.serverUsername) {
      return o.serverPassword && password && safeEqual(password, o.serverPassword)
        ? { kind: 'server', username }
        : fail('bad-credentials');
    }
    if (!isScreenUsername(username, o.serverUsername) || !password) return fail('bad-credentials');
    try {
      return (await o.authenticateScreen(username, password))
        ? { kind: 'screen', screenId: username }
        : fail('bad-credentials');
    } catch (err) {
      o.log.error({ err }, 'screen authentication failed');
      return fail('error');
    }
  }

  /** Identity for ACL checks: the username is trusted here, the broker authenticated it. */
  function identityOf(username: string | null | undefined): Identity | null {
    if (!username) return null;
    if (username === PUBLIC_USERNAME) return { kind: 'public' };
    if (username === o.serverUsername) return { kind: 'server', username };
    return isScreenUsername(username, o.serverUsername) ? { kind: 'screen', screenId: username } : null;
  }

  function checkPublish(identity: Identity | null, topic: string, payload: Buffer | null): boolean {
    if (!identity || !canPublish(identity, topic)) {
      mqttDenied.inc({ action: 'publish', identity: identity ? identityLabel(identity) : 'unknown' });
      return false;
    }
    if (identity.kind === 'screen' && payload) {
      const check = checkScreenPublish(topic, payload);
      if (!check.ok) {
        countInvalid(check.kind, check.reason);
        o.log.warn({ topic, error: check.error }, 'invalid message refused');
        return false;
      }
    }
    return true;
  }

  function checkSubscribe(identity: Identity | null, filter: string): boolean {
    const ok = identity !== null && canSubscribe(identity, filter);
    if (!ok)
      mqttDenied.inc({ action: 'subscribe', identity: identity ? identityLabel(identity) : 'unknown' });
    return ok;
  }

  const bad = (res: Response, error: string) => res.status(400).json({ error: 'invalid', message: error });

  router.post('/auth', async (req: Request, res: Response) => {
    const hook = req.get('vernemq-hook');
    if (hook) {
      const b = VmqRegister.safeParse(req.body);
      if (!b.success) return bad(res, b.error.issues[0]?.message ?? 'bad body');
      const id = await login(
        b.data.username ?? undefined,
        b.data.password ?? undefined,
        b.data.client_id,
        undefined,
      );
      return res.json(id ? { result: 'ok' } : { result: { error: 'not_allowed' } });
    }
    const b = EmqxAuthBody.safeParse(req.body);
    if (!b.success) return bad(res, b.error.issues[0]?.message ?? 'bad body');
    const id = await login(
      b.data.username,
      b.data.password,
      b.data.clientid ?? b.data.username ?? '',
      b.data.transport,
    );
    res.json({ result: id ? 'allow' : 'deny', is_superuser: false });
  });

  router.post('/acl', (req: Request, res: Response) => {
    const hook = req.get('vernemq-hook');
    if (hook?.startsWith('auth_on_subscribe')) {
      const b = VmqSubscribe.safeParse(req.body);
      if (!b.success) return bad(res, b.error.issues[0]?.message ?? 'bad body');
      const identity = identityOf(b.data.username);
      const decided = b.data.topics.map((t) => ({
        topic: t.topic,
        qos: checkSubscribe(identity, t.topic) ? t.qos : 128,
      }));
      return res.json({ result: 'ok', topics: decided });
    }
    if (hook?.startsWith('auth_on_publish')) {
      const b = VmqPublish.safeParse(req.body);
      if (!b.success) return bad(res, b.error.issues[0]?.message ?? 'bad body');
      const payload = b.data.payload === undefined ? null : Buffer.from(b.data.payload, 'base64');
      const ok = checkPublish(identityOf(b.data.username), b.data.topic, payload);
      return res.json(ok ? { result: 'ok' } : { result: { error: 'not_allowed' } });
    }
    if (hook) return bad(res, `unsupported hook ${hook}`);
    const b = EmqxAclBody.safeParse(req.body);
    if (!b.success) return bad(res, b.error.issues[0]?.message ?? 'bad body');
    const identity = identityOf(b.data.username);
    let ok: boolean;
    if (b.data.action === 'publish') ok = checkPublish(identity, b.data.topic, null);
    else if (b.data.action === 'subscribe') ok = checkSubscribe(identity, b.data.topic);
    else ok = checkPublish(identity, b.data.topic, null) && checkSubscribe(identity, b.data.topic);
    res.json({ result: ok ? 'allow' : 'deny' });
  });

  // Body parser errors (bad JSON, too large) answer JSON like the rest of the API.
  router.use((err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    const e = err as { status?: number; type?: string; message?: string };
    if (typeof e?.status !== 'number') return next(err);
    res
      .status(e.status)
      .json({ error: e.status === 413 ? 'too-large' : 'invalid', message: e.message ?? 'bad request' });
  });

  return router;
}
