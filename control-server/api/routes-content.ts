import { createHash, randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import express, { type Request, type Router } from 'express';
import rateLimit from 'express-rate-limit';
import type { ContentView } from '../../protocol/index.ts';
import { counter } from '../metrics.ts';
import { fsyncDir } from '../store/durable-file.ts';
import type { ContentRecord } from '../store/index.ts';
import { auditAs, audited } from './audit.ts';
import { ALLOWED_MIME, isAllowedMime, SNIFF_BYTES, sniffMatches } from './content-types.ts';
import type { ApiContext, ApiDeps, ApiLimits } from './deps.ts';
import { HttpError } from './errors.ts';
import { clientKey, limitedAnswer } from './rate-limits.ts';

const SHA256 = /^[a-f0-9]{64}$/;
const uploadedBytes = counter('stander_content_uploaded_bytes_total', 'Bytes of content accepted by uploads');
const servedRequests = counter('stander_content_requests_total', 'Content downloads by answer status', [
  'status',
] as const);

export function contentView(c: ContentRecord): ContentView {
  return { ...c, asset: { sha256: c.sha256, size: c.size, mime: c.mime, url: `/content/${c.sha256}` } };
}

/**
 * Streams the request body into a temp file in the content directory while hashing it; the server
 * computes the sha256, the client never names it. Too large -> 413 (early from Content-Length, or
 * as soon as the limit is crossed); a type outside the allow-list or bytes that do not match it -> 415.
 */
async function receive(req: Request, dir: string, mime: (typeof ALLOWED_MIME)[number], limit: number) {
  const tmp = path.join(dir, `.upload-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  const fh = await open(tmp, 'w', 0o644);
  try {
    // Read by hand rather than stream.pipeline(req, ...): pipeline waits for the request's 'close',
    // which Node emits only after the response, so the handler would never answer.
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        req.off('data', onData);
        req.resume(); // discard the rest; the answer closes the connection
        reject(e);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return fail(new HttpError(413, `content larger than ${limit} bytes`));
        if (head.length < SNIFF_BYTES) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
          if (head.length >= SNIFF_BYTES && !sniffMatches(mime, head)) {
            return fail(new HttpError(415, `the file's bytes are not ${mime}`));
          }
        }
        hash.update(chunk);
        req.pause();
        fh.write(chunk).then(() => {
          if (!failed) req.resume();
        }, fail);
      };
      req.on('data', onData);
      req.once('end', () => {
        if (!failed) resolve();
      });
      req.once('error', fail);
      req.once('aborted', () => fail(new HttpError(400, 'upload aborted')));
    });
    if (size === 0) throw new HttpError(400, 'empty upload');
    if (!sniffMatches(mime, head)) throw new HttpError(415, `the file's bytes are not ${mime}`);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  return { tmp, size, sha256: hash.digest('hex') };
}

export function contentRouter(deps: ApiDeps, ctx: ApiContext, limits: ApiLimits): Router {
  const r = express.Router();
  const { store } = deps;
  const anyone = [ctx.authenticate(), ctx.requireRole('admin', 'operator', 'technician')];
  const editors = [ctx.authenticate(), ctx.requireRole('admin', 'operator')];

  r.get('/api/v1/content', ...anyone, (_req, res) => {
    res.json({ content: store.listContent().map(contentView) });
  });

  r.get('/api/v1/content/:sha256', ...anyone, (req, res) => {
    const c = store.getContent(String(req.params.sha256));
    if (!c) throw new HttpError(404, `no content "${req.params.sha256}"`);
    res.json(contentView(c));
  });

  r.post('/api/v1/content', audited('content.upload'), ...editors, async (req, res) => {
    auditAs(res, 'content.upload');
    const mime = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!isAllowedMime(mime)) {
      res.setHeader('Connection', 'close');
      throw new HttpError(
        415,
        `content type "${mime || '(none)'}" is not allowed; use one of ${ALLOWED_MIME.join(', ')}`,
      );
    }
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.contentBytes) {
      res.setHeader('Connection', 'close');
      throw new HttpError(413, `content larger than ${limits.contentBytes} bytes`);
    }
    const rawName = typeof req.query.name === 'string' ? req.query.name : (req.get('x-filename') ?? '');
    const name =
      Array.from(rawName)
        .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '/' && ch !== '\\')
        .join('')
        .slice(0, 300) || 'upload';
    const received = await receive(req, store.contentDir, mime, limits.contentBytes).catch((e: unknown) => {
      res.setHeader('Connection', 'close');
      throw e;
    });
    const { tmp, size, sha256 } = received;
    auditAs(res, 'content.upload', `content:${sha256}`);
    const final = store.contentPath(sha256);
    const exists = await stat(final).then(
      (s) => s.size === size,
      () => false,
    );
    if (exists) await unlink(tmp);
    else {
      await rename(tmp, final);
      await fsyncDir(store.contentDir);
    }
    const p = ctx.principalOf(res);
    const { record, created } = await store.addContent({
      sha256,
      size,
      mime,
      name,
      uploadedAt: new Date().toISOString(),
      uploadedBy: p?.kind === 'user' ? p.username : 'unknown',
    });
    uploadedBytes.inc(size);
    res
      .status(created ? 201 : 200)
      .location(`/content/${sha256}`)
      .json(contentView(record));
  });

  r.delete('/api/v1/content/:sha256', audited('content.delete'), ...editors, async (req, res) => {
    const sha = String(req.params.sha256);
    auditAs(res, 'content.delete', `content:${sha}`);
    if (!SHA256.test(sha) || !store.getContent(sha)) throw new HttpError(404, `no content "${sha}"`);
    await store.removeContent(sha);
    await unlink(store.contentPath(sha)).catch(() => undefined);
    res.status(204).end();
  });

  /**
   * Downloads for screens (`Bearer {screenId}:{token}`) and people (session). Only 64-hex names are
   * looked up, so no path ever leaves the content directory. Range requests answer 206, which the
   * agent uses to resume.
   */
  const authFailures = rateLimit({
    windowMs: 60_000,
    limit: limits.contentAuthFailuresPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: clientKey,
    // Only refused credentials count: a screen asking again for missing content is not an attack.
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: limitedAnswer('content', 'too many refused downloads from this address; try again later'),
  });

  r.get('/content/:sha256', authFailures, ctx.authenticate({ allowScreens: true }), (req, res, next) => {
    const sha = String(req.params.sha256);
    const c = SHA256.test(sha) ? store.getContent(sha) : null;
    if (!c) {
      servedRequests.inc({ status: '404' });
      throw new HttpError(404, 'no such content');
    }
    res.setHeader('Content-Type', c.mime);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.sendFile(store.contentPath(sha), { dotfiles: 'deny', cacheControl: false, etag: true }, (err) => {
      servedRequests.inc({
        status: String(err ? ((err as { status?: number }).status ?? 500) : res.statusCode),
      });
      if (err && !res.headersSent) next(err);
    });
  });
  return r;
}
