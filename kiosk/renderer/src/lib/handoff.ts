/**
 * Routes of the mobile companion (`/m/#/{view}/{id}?lang=xx`), shared by the kiosk's hand-off QR codes
 * and the mobile app. A route names a public thing (a stop, a bath, a zone, an event) and a language:
 * never a screen, a person or a session, so a scanned code tells nobody where or who it came from.
 */
export type MobileView = 'home' | 'transport' | 'water' | 'parking' | 'events' | 'map';

export interface MobileRoute {
  view: MobileView;
  /** Feed id (stop, bath site, parking zone, events area); null = the list. */
  id: string | null;
  /** An event's id inside the events feed `id`. */
  sub: string | null;
  lang: string | null;
}

const VIEWS: readonly MobileView[] = ['home', 'transport', 'water', 'parking', 'events', 'map'];
const LANG = /^[a-z]{2}$/;

/** Parses a location hash (`#/transport/nyhavn?lang=en`); anything unknown is the home view. */
export function parseRoute(hash: string): MobileRoute {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const lang = params.get('lang');
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return '';
      }
    });
  const view = VIEWS.find((v) => v === parts[0]) ?? 'home';
  return {
    view,
    id: view === 'home' || view === 'map' ? null : parts[1] || null,
    sub: view === 'events' ? parts[2] || null : null,
    lang: lang && LANG.test(lang) ? lang : null,
  };
}

/** The hash of a route: `#/water/islands-brygge?lang=de`. */
export function formatRoute(r: Partial<MobileRoute> & { view: MobileView }): string {
  const parts: string[] = r.view === 'home' ? [] : [r.view];
  if (r.id && r.view !== 'home' && r.view !== 'map') {
    parts.push(r.id);
    if (r.sub && r.view === 'events') parts.push(r.sub);
  }
  const path = `#/${parts.map(encodeURIComponent).join('/')}`;
  return r.lang ? `${path}?lang=${r.lang}` : path;
}

/**
 * The full hand-off URL of a route. `base` is the screen config's `mobileBaseUrl` (e.g.
 * `https://city.example/m/`); without one, the server the screen was configured from is not known to
 * the renderer, so null (no code is shown rather than a wrong one).
 */
export function handoffUrl(base: string | null | undefined, r: MobileRoute): string | null {
  if (!base) return null;
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return `${u.toString()}${formatRoute(r)}`;
}
