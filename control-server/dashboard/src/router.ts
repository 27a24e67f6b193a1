import { useSyncExternalStore } from 'react';

/** A small history router: the control server answers every dashboard path with index.html. */
const subs = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const s of subs) s();
});

export function navigate(path: string, replace = false): void {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const s of subs) s();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  return useSyncExternalStore(
    (cb) => {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    () => location.pathname + location.search,
  );
}

/** Matches "/campaigns/:id" against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = (path.split('?')[0] ?? '').split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? '';
    const val = a[i] ?? '';
    if (seg.startsWith(':')) {
      if (!val) return null;
      out[seg.slice(1)] = decodeURIComponent(val);
    } else if (seg !== val) return null;
  }
  return out;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
