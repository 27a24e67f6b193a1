import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AssetRef } from '../../protocol/index.ts';
import { fsyncDir, writeFileAtomic } from './atomic.ts';
import { statfsDiskFree } from './hardware-port.ts';
import type { Logger } from './log.ts';

/**
 * Content-addressed asset store with a verifying, resuming downloader.
 *
 * blobs/{sha256}: verified files only (a file is renamed in after its bytes hashed to its name).
 * partial/{sha256}.part: a download in progress; after an interruption it is re-hashed and
 * continued with an HTTP Range request. index.json: size, mime and last use of every blob, for
 * the least-recently-used eviction that keeps the store under its quota; only blobs that no
 * wanted asset references are ever evicted.
 */

const IndexSchema = z.record(
  z.string().regex(/^[a-f0-9]{64}$/),
  z.object({ size: z.number().int().nonnegative(), mime: z.string(), lastUsed: z.number() }),
);
type IndexEntry = z.infer<typeof IndexSchema>[string];

export interface DownloadProgress {
  pending: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface AssetFailure {
  error: string;
  attempts: number;
  /** Bytes did not match the sha256 (or size): never playable, retried only rarely. */
  rejected: boolean;
  retryAt: number;
}

export interface ContentStoreOptions {
  dir: string;
  serverUrl: string;
  /** Value of the Authorization header sent to the control server. */
  authorization: string;
  quotaBytes: number;
  /** Free disk space always left alone; the quota shrinks when the disk gets this full. */
  minFreeBytes?: number;
  log: Logger;
  /** First retry delay after a network failure; doubles up to retryMaxMs, with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Retry delay after a sha256 mismatch. */
  rejectRetryMs?: number;
  /** Abort a download when no byte arrives for this long. */
  stallTimeoutMs?: number;
  now?: () => number;
}

class HttpError extends Error {}
/** The bytes are not what the campaign promised. */
class VerifyError extends Error {}
/** The bytes are not what the campaign promised. */

export class ContentStore {
  readonly blobsDir: string;
  private readonly partialDir: string;
  private readonly indexFile: string;
  private index: Record<string, IndexEntry> = {};
  private wanted = new Map<string, AssetRef>();
  private readonly failures = new Map<string, AssetFailure>();
  private readonly listeners = new Set<() => void>();
  private active: { sha: string; done: number; abort: AbortController } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private running = false;
  private lastEmit = 0;
  private indexDirty = false;
  private indexTimer: NodeJS.Timeout | null = null;
  /** Assets whose bytes did not match their sha256, since start. */
  rejectedCount = 0;
  private readonly now: () => number;

  constructor(private readonly opts: ContentStoreOptions) {
    this.blobsDir = join(opts.dir, 'blobs');
    this.partialDir = join(opts.dir, 'partial');
    this.indexFile = join(opts.dir, 'index.json');
    this.now = opts.now ?? Date.now;
  }

  async init(): Promise<void> {
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.partialDir, { recursive: true });
    let loaded: Record<string, IndexEntry> = {};
    try {
      const r = IndexSchema.safeParse(JSON.parse(await readFile(this.indexFile, 'utf8')));
      if (r.success) loaded = r.data;
      else this.opts.log.warn('content index unreadable; rebuilding from the blobs present');
    } catch {
      // absent on first start
    }
    // The blobs on disk are the truth: drop index rows without a file, adopt files without a row.
    const index: Record<string, IndexEntry> = {};
    for (const name of await readdir(this.blobsDir)) {
      if (!/^[a-f0-9]{64}$/.test(name)) {
        await rm(join(this.blobsDir, name), { force: true });
        continue;
      }
      const s = await stat(join(this.blobsDir, name));
      const row = loaded[name];
      if (row && row.size !== s.size) {
        this.opts.log.warn({ sha256: name }, 'stored asset has the wrong size; removed');
        await rm(join(this.blobsDir, name), { force: true });
        continue;
      }
      index[name] = row ?? { size: s.size, mime: 'application/octet-stream', lastUsed: s.mtimeMs };
    }
    this.index = index;
    // A full disk must not stop the screen from starting: the index is rebuilt from the blobs
    // at every start, so a failed save only defers it to the next change.
    await this.saveIndex().catch((e: Error) => {
      this.indexDirty = true;
      this.opts.log.warn({ err: e.message }, 'content index not saved; retried on the next change');
    });
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    this.lastEmit = Date.now();
    for (const l of this.listeners) l();
  }

  /** Progress while bytes stream in: at most every 200 ms, so a big video does not flood the UI. */
  private emitProgress(): void {
    if (Date.now() - this.lastEmit >= 200) this.emit();
  }

  has(sha: string): boolean {
    return sha in this.index;
  }

  /** The verified file and its type, marking it used; null when not (yet) verified. */
  open(sha: string): { path: string; size: number; mime: string } | null {
    const row = this.index[sha];
    if (!row) return null;
    row.lastUsed = this.now();
    this.scheduleIndexSave();
    return { path: join(this.blobsDir, sha), size: row.size, mime: row.mime };
  }

  failureOf(sha: string): AssetFailure | undefined {
    return this.failures.get(sha);
  }

  usedBytes(): number {
    let n = 0;
    for (const row of Object.values(this.index)) n += row.size;
    return n;
  }

  progress(): DownloadProgress {
    let pending = 0;
    let bytesTotal = 0;
    let bytesDone = 0;
    for (const [sha, a] of this.wanted) {
      if (this.has(sha)) continue;
      pending++;
      bytesTotal += a.size;
      if (this.active?.sha === sha) bytesDone += this.active.done;
    }
    return { pending, bytesDone, bytesTotal };
  }

  /** Declares every asset referenced right now, most urgent first; fetches what is missing. */
  want(assets: readonly AssetRef[]): void {
    const next = new Map<string, AssetRef>();
    for (const a of assets) if (!next.has(a.sha256)) next.set(a.sha256, a);
    this.wanted = next;
    if (this.active && !next.has(this.active.sha)) this.active.abort.abort(new Error('no longer wanted'));
    for (const sha of this.failures.keys()) if (!next.has(sha)) this.failures.delete(sha);
    this.kick();
  }

  /** Allows downloads (the agent calls it after its UI serves the cached state). */
  start(): void {
    this.running = true;
    this.kick();
  }

  /** Starts the next download when idle. */
  private kick(delayMs = 0): void {
    if (this.closed || this.active || !this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.next();
    }, delayMs);
    this.timer.unref?.();
  }

  private async next(): Promise<void> {
    if (this.closed || this.active) return;
    const now = this.now();
    let earliestRetry = Number.POSITIVE_INFINITY;
    for (const [sha, asset] of this.wanted) {
      if (this.has(sha)) continue;
      const f = this.failures.get(sha);
      if (f && f.retryAt > now) {
        earliestRetry = Math.min(earliestRetry, f.retryAt);
        continue;
      }
      await this.fetchOne(asset);
      this.kick();
      return;
    }
    if (Number.isFinite(earliestRetry)) this.kick(Math.max(50, earliestRetry - now));
  }

  private async fetchOne(asset: AssetRef): Promise<void> {
    const sha = asset.sha256;
    const abort = new AbortController();
    this.active = { sha, done: 0, abort };
    this.emit();
    try {
      await this.makeRoom(asset.size);
      await this.download(asset, abort);
      this.opts.log.info({ sha256: sha, size: asset.size }, 'asset verified');
    } catch (e) {
      const rejected = e instanceof VerifyError;
      if (rejected) this.rejectedCount++;
      const prev = this.failures.get(sha);
      const attempts = (prev?.attempts ?? 0) + 1;
      const base = this.opts.retryBaseMs ?? 1000;
      const max = this.opts.retryMaxMs ?? 5 * 60_000;
      const backoff = Math.min(max, base * 2 ** Math.min(attempts - 1, 20));
      const delay = rejected
        ? (this.opts.rejectRetryMs ?? 30 * 60_000)
        : backoff * (0.75 + Math.random() * 0.5);
      const error = (e as Error).message;
      this.failures.set(sha, { error, attempts, rejected, retryAt: this.now() + delay });
      if (!this.closed && !abort.signal.aborted)
        this.opts.log[rejected ? 'error' : 'warn']({ sha256: sha, attempts, error }, 'asset download failed');
    } finally {
      this.active = null;
      this.emit();
    }
  }

  /**
   * The quota in force: the configured one, lowered when the disk itself runs short so the store
   * never fills the disk (logs, the OS and the message cache need room too).
   */
  private async effectiveQuota(): Promise<number> {
    const disk = await statfsDiskFree(this.opts.dir);
    if (!disk) return this.opts.quotaBytes;
    const reserve = this.opts.minFreeBytes ?? 256 * 1024 ** 2;
    return Math.min(this.opts.quotaBytes, this.usedBytes() + Math.max(0, disk.freeBytes - reserve));
  }

  /** Evicts least-recently-used blobs that nothing wants until `bytes` more fit under the quota. */
  private async makeRoom(bytes: number): Promise<void> {
    const quota = await this.effectiveQuota();
    if (bytes > quota) throw new Error(`asset of ${bytes} bytes exceeds the content quota of ${quota} bytes`);
    let used = this.usedBytes();
    if (used + bytes <= quota) return;
    const candidates = Object.entries(this.index)
      .filter(([sha]) => !this.wanted.has(sha))
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [sha, row] of candidates) {
      if (used + bytes <= quota) break;
      await rm(join(this.blobsDir, sha), { force: true });
      delete this.index[sha];
      used -= row.size;
      this.opts.log.info({ sha256: sha, size: row.size }, 'evicted unreferenced asset (LRU)');
    }
    await this.saveIndex();
    if (used + bytes > quota)
      throw new Error(`content quota full: ${used} of ${quota} bytes held by assets still in use`);
  }

  /** Evicts every blob that nothing wants and every partial download (clear-cache). */
  async clearUnreferenced(): Promise<number> {
    let n = 0;
    for (const sha of Object.keys(this.index)) {
      if (this.wanted.has(sha)) continue;
      await rm(join(this.blobsDir, sha), { force: true });
      delete this.index[sha];
      n++;
    }
    for (const name of await readdir(this.partialDir)) {
      if (this.active && name.startsWith(this.active.sha)) continue;
      await rm(join(this.partialDir, name), { force: true });
    }
    await this.saveIndex();
    this.emit();
    return n;
  }

  private assetUrl(asset: AssetRef): { url: URL; sameOrigin: boolean } {
    const base = new URL(this.opts.serverUrl);
    const url = new URL(asset.url, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`unsupported URL ${asset.url}`);
    return { url, sameOrigin: url.origin === base.origin };
  }

  private async download(asset: AssetRef, abort: AbortController): Promise<void> {
    const sha = asset.sha256;
    const part = join(this.partialDir, `${sha}.part`);
    const hash = createHash('sha256');
    let offset = 0;
    try {
      offset = (await stat(part)).size;
    } catch {
      offset = 0;
    }
    if (offset > asset.size) {
      await rm(part, { force: true });
      offset = 0;
    }
    if (offset > 0) {
      // Resume: re-hash what is already on disk, then ask only for the rest.
      for await (const chunk of createReadStream(part, { end: offset - 1 })) hash.update(chunk as Buffer);
    }
    const active = this.active;
    if (active) active.done = offset;
    if (offset > 0) this.emit();

    const { url, sameOrigin } = this.assetUrl(asset);
    const headers: Record<string, string> = {};
    if (sameOrigin) headers.authorization = this.opts.authorization;
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const stallMs = this.opts.stallTimeoutMs ?? 30_000;
    let stall = setTimeout(() => abort.abort(new Error(`stalled: no data for ${stallMs} ms`)), stallMs);
    const resetStall = () => {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(new Error(`stalled: no data for ${stallMs} ms`)), stallMs);
    };
    const fh = await open(part, offset > 0 ? 'r+' : 'w');
    try {
      const res = await fetch(url, { headers, signal: abort.signal });
      if (res.status === 206 && offset > 0) {
        const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
        if (!m || Number(m[1]) !== offset) throw new HttpError(`bad Content-Range for resume at ${offset}`);
      } else if (res.status === 200) {
        if (offset > 0)
          this.opts.log.info({ sha256: sha }, 'server ignored Range; downloading from the start');
        offset = 0;
        await fh.truncate(0);
        if (active) active.done = 0;
      } else if (res.status === 416 && offset === asset.size) {
        // Everything was already here.
      } else {
        await res.body?.cancel().catch(() => undefined);
        throw new HttpError(`HTTP ${res.status} from ${url.pathname}`);
      }
      const h = res.status === 200 ? createHash('sha256') : hash;
      let pos = offset;
      if (res.body && res.status !== 416) {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
          resetStall();
          if (pos + chunk.byteLength > asset.size) {
            await fh.truncate(0);
            throw new VerifyError(`more bytes than the declared ${asset.size}`);
          }
          await fh.write(chunk, 0, chunk.byteLength, pos);
          h.update(chunk);
          pos += chunk.byteLength;
          if (active) active.done = pos;
          this.emitProgress();
        }
      }
      await fh.sync();
      if (pos < asset.size) throw new Error(`connection ended at ${pos} of ${asset.size} bytes`);
      const digest = h.digest('hex');
      if (digest !== sha) {
        await fh.close().catch(() => undefined);
        await rm(part, { force: true });
        throw new VerifyError(`sha256 mismatch: got ${digest}`);
      }
    } finally {
      clearTimeout(stall);
      await fh.close().catch(() => undefined);
    }
    await rename(part, join(this.blobsDir, sha));
    await fsyncDir(this.blobsDir);
    this.failures.delete(sha);
    this.index[sha] = { size: asset.size, mime: asset.mime, lastUsed: this.now() };
    await this.saveIndex();
  }

  private scheduleIndexSave(): void {
    this.indexDirty = true;
    if (this.indexTimer || this.closed) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = null;
      if (this.indexDirty) void this.saveIndex().catch(() => undefined);
    }, 5000);
    this.indexTimer.unref?.();
  }

  private async saveIndex(): Promise<void> {
    this.indexDirty = false;
    await writeFileAtomic(this.indexFile, JSON.stringify(this.index));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.active?.abort.abort(new Error('closing'));
    // Let the active download settle so its partial file is synced for a later resume.
    for (let i = 0; i < 50 && this.active; i++) await new Promise((r) => setTimeout(r, 20));
    if (this.indexDirty) await this.saveIndex().catch(() => undefined);
  }
}
