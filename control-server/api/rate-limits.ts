import type { Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { counter } from '../metrics.ts';

/** Requests answered 429 by a rate limit, by endpoint (login, content, mobile-hit). */
export const rateLimited = counter(
  'stander_http_rate_limited_total',
  'HTTP requests refused with 429 by a rate limit',
  ['endpoint'] as const,
);

/** The client address as a rate-limit key (IPv6 grouped by /56, as express-rate-limit advises). */
export function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/**
 * The 429 answer of a limit: counted, named in the audit entry (for mutating requests), JSON
 * `{error}`. express-rate-limit has set Retry-After (and the RateLimit headers) already.
 */
export function limitedAnswer(endpoint: string, message: string) {
  return (_req: Request, res: Response): void => {
    rateLimited.inc({ endpoint });
    res.locals.auditDetail = message;
    res.status(429).json({ error: message });
  };
}
