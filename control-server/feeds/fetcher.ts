import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type InputConfig, expandEnv } from './config.ts';

export const USER_AGENT = 'Stander-feeds/0.1 (city kiosk system)';

/** What one input remembers between polls: validators for conditional requests and the last body. */
export interface InputState {
  etag?: string;
  lastModified?: string;
  fileStamp?: string;
  bytes?: Uint8Array;
  fetchedAt?: number;
}

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    message: string,
    /** Seconds the server asked us to wait (Retry-After), if any. */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

async function readLimited(res: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw new FetchError(`${what}: response of ${declared} bytes exceeds the limit of ${maxBytes}`);
  }
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new FetchError(`${what}: response exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function retryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const n = Number(h);
  if (Number.isFinite(n)) return Math.max(0, n);
  const t = Date.parse(h);
  return Number.isFinite(t) ? Math.max(0, (t - Date.now()) / 1000) : undefined;
}

/**
 * Fetches one input, conditionally. Returns the same Uint8Array object as before when the content
 * is unchanged (HTTP 304, or a file with the same size and mtime), so parsers can cache by identity.
 */
export async function fetchInput(
  input: InputConfig,
  state: InputState,
  opts: { baseDir: string; maxBytes: number; now: number; what: string; signal?: AbortSignal },
): Promise<{ bytes: Uint8Array; changed: boolean }> {
  if ('file' in input) {
    const file = path.resolve(opts.baseDir, input.file);
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      st = await stat(file);
    } catch (e) {
      throw new FetchError(
        `${opts.what}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    if (st.size > opts.maxBytes)
      throw new FetchError(`${opts.what}: ${file} is ${st.size} bytes, over the limit of ${opts.maxBytes}`);
    const stamp = `${st.size}:${st.mtimeMs}`;
    if (state.bytes && state.fileStamp === stamp) return { bytes: state.bytes, changed: false };
    const bytes = await readFile(file).catch((e: Error) => {
      throw new FetchError(`${opts.what}: cannot read ${file}: ${e.message}`);
    });
    state.bytes = bytes;
    state.fileStamp = stamp;
    state.fetchedAt = opts.now;
    return { bytes, changed: true };
  }
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
  if (state.bytes && state.etag) headers['if-none-match'] = state.etag;
  if (state.bytes && state.lastModified) headers['if-modified-since'] = state.lastModified;
  let url: string;
  try {
    url = expandEnv(input.url);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} placeholder syntax of feeds.json
    if (!/^https?:\/\//.test(url)) throw new Error('the URL after expanding ${...} is not http(s)');
    for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = expandEnv(v);
  } catch (e) {
    throw new FetchError(`${opts.what}: ${(e as Error).message}`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      headers,
      signal: opts.signal
        ? AbortSignal.any([opts.signal, AbortSignal.timeout(input.timeoutS * 1000)])
        : AbortSignal.timeout(input.timeoutS * 1000),
      redirect: 'follow',
    });
  } catch (e) {
    const err = e as Error;
    const why =
      err.name === 'TimeoutError'
        ? `timed out after ${input.timeoutS} s`
        : ((err.cause as Error | undefined)?.message ?? err.message);
    throw new FetchError(`${opts.what}: ${new URL(url).host}: ${why}`);
  }
  if (res.status === 304 && state.bytes) {
    await res.body?.cancel();
    state.fetchedAt = opts.now;
    return { bytes: state.bytes, changed: false };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new FetchError(
      `${opts.what}: HTTP ${res.status} ${res.statusText}`.trim(),
      retryAfter(res.headers.get('retry-after')),
    );
  }
  const bytes = await readLimited(res, opts.maxBytes, opts.what);
  state.etag = res.headers.get('etag') ?? undefined;
  state.lastModified = res.headers.get('last-modified') ?? undefined;
  state.fetchedAt = opts.now;
  const same = state.bytes && Buffer.compare(Buffer.from(state.bytes), Buffer.from(bytes)) === 0;
  if (same) return { bytes: state.bytes!, changed: false };
  state.bytes = bytes;
  return { bytes, changed: true };
}
