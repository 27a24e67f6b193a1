import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { useEffect, useRef, useState } from 'react';
import landRaw from '../../../../content/map/copenhagen-land.geojson?raw';
import type { TileSource } from '../lib/tiles.ts';

export interface MapPoint {
  id: string;
  kind: 'stop' | 'bath' | 'parking' | 'venue' | 'event';
  lat: number;
  lon: number;
  /** Accessible name of the marker ("Stop: Rådhuspladsen"). */
  label: string;
  /** Short glyph shown in the marker (a letter), with the kind's shape and colour. */
  glyph: string;
}

let land: GeoJSON.GeoJsonObject | null = null;
function landData(): GeoJSON.GeoJsonObject {
  land ??= JSON.parse(landRaw) as GeoJSON.GeoJsonObject;
  return land;
}

const BOUNDS = L.latLngBounds([55.55, 12.35], [55.8, 12.75]);

/**
 * Leaflet over the bundled offline land polygons, with the agent's raster tiles on top when it has
 * a tiles file (`tiles`, lib/tiles.ts; only inside the file's bounds, so the land still shows
 * around it). One map instance per mount, removed on unmount; markers are divIcons (no image
 * assets), focusable with role=button.
 */
export function LeafletMap({
  center,
  zoom = 14,
  points,
  here,
  hereLabel,
  attribution,
  interactive = true,
  selectedId = null,
  onPick,
  className = '',
  label,
  zoomLabels,
  tiles = null,
}: {
  center: { lat: number; lon: number };
  zoom?: number;
  points: MapPoint[];
  here?: { lat: number; lon: number } | null;
  hereLabel?: string;
  attribution: string;
  interactive?: boolean;
  selectedId?: string | null;
  onPick?: (id: string) => void;
  className?: string;
  label: string;
  zoomLabels?: { in: string; out: string };
  tiles?: TileSource | null;
}) {
  const el = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const credits = useRef<L.Control.Attribution | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  const [ready, setReady] = useState(false);

  // Create once per mount, after the view's first frame is on screen (a tap answers at once; the map
  // follows a frame later). Everything hangs off the map and goes with map.remove(), which also runs
  // outside the tap's frame.
  // biome-ignore lint/correctness/useExhaustiveDependencies: created once; later props are applied below
  useEffect(() => {
    const host = el.current;
    if (!host) return;
    let m: L.Map | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        m = create(host);
        map.current = m;
        setReady(true);
      }, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      map.current = null;
      layer.current = null;
      credits.current = null;
      const dead = m;
      if (dead) setTimeout(() => dead.remove(), 0);
    };
  }, []);

  function create(host: HTMLElement): L.Map {
    const m = L.map(host, {
      center: [center.lat, center.lon],
      zoom,
      minZoom: 11,
      maxZoom: 17,
      maxBounds: BOUNDS.pad(0.2),
      zoomControl: false,
      attributionControl: false,
      dragging: interactive,
      touchZoom: interactive,
      doubleClickZoom: interactive,
      scrollWheelZoom: false,
      boxZoom: false,
      keyboard: interactive,
      zoomSnap: 0.5,
      fadeAnimation: false,
      markerZoomAnimation: false,
      inertia: false,
    });
    credits.current = L.control.attribution({ prefix: false }).addAttribution(attribution).addTo(m);
    // The land lies under the tile pane (200), so a tiles file covers it where it has tiles.
    const landPane = m.createPane('land');
    landPane.style.zIndex = '150';
    L.geoJSON(landData(), {
      pane: 'land',
      interactive: false,
      style: { className: 'land', stroke: true, weight: 1 },
    }).addTo(m);
    layer.current = L.layerGroup().addTo(m);
    return m;
  }

  useEffect(() => {
    if (ready) map.current?.setView([center.lat, center.lon], zoom, { animate: false });
  }, [center.lat, center.lon, zoom, ready]);

  // The tiles file's layer, above the land and below the markers; its attribution beside ours.
  // Vector files are drawn by protomaps-leaflet, loaded only then (its own chunk).
  useEffect(() => {
    const m = map.current;
    const ctl = credits.current;
    const host = el.current;
    if (!ready || !m || !tiles || !host) return;
    const [w, s, e, n] = tiles.bounds ?? [-180, -85.06, 180, 85.06];
    const bounds = L.latLngBounds([s, w], [n, e]);
    let tl: L.Layer | null = null;
    let live = true;
    if (tiles.format === 'pbf') {
      const css = getComputedStyle(host);
      const colours = {
        land: css.getPropertyValue('--land').trim() || '#f3efe6',
        water: css.getPropertyValue('--water').trim() || '#b5d3ea',
      };
      import('./vector-tiles.ts')
        .then(({ vectorTileLayer }) => {
          if (live) tl = vectorTileLayer(tiles, bounds, colours).addTo(m);
        })
        .catch(() => undefined); // the land polygons stay
    } else {
      tl = L.tileLayer(tiles.template, {
        minNativeZoom: tiles.minzoom,
        maxNativeZoom: tiles.maxzoom,
        bounds,
        className: 'file-tiles',
        keepBuffer: 1,
      }).addTo(m);
    }
    const credit = tiles.attribution ? escapeHtml(tiles.attribution) : '';
    if (credit) ctl?.addAttribution(credit);
    return () => {
      live = false;
      if (credit) ctl?.removeAttribution(credit);
      tl?.remove();
    };
  }, [tiles, ready]);

  useEffect(() => {
    const g = layer.current;
    if (!g || !ready) return;
    g.clearLayers();
    if (here) {
      L.marker([here.lat, here.lon], {
        icon: L.divIcon({
          className: 'pin pin-here',
          html: '<span class="pin-dot"></span>',
          iconSize: [44, 44],
        }),
        keyboard: false,
        interactive: false,
        title: hereLabel ?? '',
        zIndexOffset: 1000,
      }).addTo(g);
    }
    for (const p of points) {
      const sel = p.id === selectedId;
      const icon = L.divIcon({
        className: `pin pin-${p.kind}${sel ? ' pin-selected' : ''}`,
        html: `<span class="pin-glyph" aria-hidden="true">${escapeHtml(p.glyph)}</span><span class="sr-only">${escapeHtml(p.label)}</span>`,
        iconSize: [52, 52],
      });
      const mk = L.marker([p.lat, p.lon], {
        icon,
        keyboard: interactive,
        interactive: interactive,
        zIndexOffset: sel ? 500 : 0,
      });
      if (interactive) mk.on('click', () => pick.current?.(p.id));
      mk.addTo(g);
      if (!interactive) mk.getElement()?.setAttribute('aria-hidden', 'true');
    }
  }, [points, here, hereLabel, selectedId, interactive, ready]);

  return (
    <div className={`map-wrap ${className}`} data-basemap={tiles ? 'tiles' : 'geojson'}>
      <section ref={el} className="leaflet-host" aria-label={label} />
      {interactive && zoomLabels && (
        <div className="map-zoom">
          <button
            type="button"
            aria-label={zoomLabels.in}
            onClick={() => map.current?.zoomIn(1, { animate: false })}
          >
            +
          </button>
          <button
            type="button"
            aria-label={zoomLabels.out}
            onClick={() => map.current?.zoomOut(1, { animate: false })}
          >
            −
          </button>
        </div>
      )}
    </div>
  );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
