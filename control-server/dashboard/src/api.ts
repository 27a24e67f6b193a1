import type { Role } from '../../../protocol/index.ts';

/** The dashboard's REST client: JSON, bearer token from the session, typed errors. */
export interface Session {
  token: string;
  role: Role;
  username: string;
}

const KEY = 'stander.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === 'string' && typeof s.role === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export function authHeader(): Record<string, string> {
  const s = loadSession();
  return s ? { authorization: `Bearer ${s.token}` } : {};
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeader() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401 && path !== '/session') onUnauthorized();
  if (!res.ok) {
    let message = res.statusText || `HTTP ${res.status}`;
    let issues: Array<{ path: string; message: string }> = [];
    try {
      const j = (await res.json()) as { error?: string; issues?: typeof issues };
      if (j.error) message = j.error;
      if (Array.isArray(j.issues)) issues = j.issues;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, message, issues);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: (path: string) => request<void>('DELETE', path),
};

/** Fetches a binary resource with the session's token, as an object URL (for <img> and previews). */
export async function fetchObjectUrl(path: string): Promise<string | null> {
  const res = await fetch(path, { headers: authHeader() });
  if (!res.ok) return null;
  return URL.createObjectURL(await res.blob());
}

export interface UploadResult {
  sha256: string;
  size: number;
  mime: string;
  url: string;
}

/**
 * Uploads one file to POST /api/v1/content with XMLHttpRequest, so upload progress can be shown.
 * The server computes the sha256 and enforces size and type limits.
 */
export function uploadContent(
  file: File,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/content');
    for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('x-filename', encodeURIComponent(file.name));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // keep empty
      }
      if (xhr.status >= 200 && xhr.status < 300 && typeof body.sha256 === 'string') {
        const sha256 = body.sha256;
        resolve({
          sha256,
          size: typeof body.size === 'number' ? body.size : file.size,
          mime: typeof body.mime === 'string' ? body.mime : file.type,
          url: typeof body.url === 'string' ? body.url : `/content/${sha256}`,
        });
      } else {
        reject(new ApiError(xhr.status, typeof body.error === 'string' ? body.error : `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
