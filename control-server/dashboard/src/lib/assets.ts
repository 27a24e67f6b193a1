import { fetchObjectUrl } from '../api.ts';

/**
 * Object URLs of campaign assets for the live preview, by sha256: a file the operator just uploaded
 * is previewed from the local copy; an older asset is fetched once with the session's token.
 */
const urls = new Map<string, string>();
const pending = new Map<string, Promise<string | null>>();

export function rememberLocalAsset(sha256: string, file: Blob): void {
  if (!urls.has(sha256)) urls.set(sha256, URL.createObjectURL(file));
}

export function assetUrl(sha256: string): string | null {
  return urls.get(sha256) ?? null;
}

export function loadAsset(sha256: string, url: string): Promise<string | null> {
  const known = urls.get(sha256);
  if (known) return Promise.resolve(known);
  let p = pending.get(sha256);
  if (!p) {
    p = fetchObjectUrl(url.startsWith('/') ? url : `/${url}`).then((u) => {
      if (u) urls.set(sha256, u);
      pending.delete(sha256);
      return u;
    });
    pending.set(sha256, p);
  }
  return p;
}
