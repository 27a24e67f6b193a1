import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import landText from '../../../../content/map/copenhagen-land.geojson?raw';

/**
 * An offline leaflet map: no tiles are fetched; the city's land outline is bundled from
 * content/map and drawn over a water-coloured background. Screens are circle markers (colour AND a
 * text label in the tooltip, never colour alone). Optionally shows and edits a target area: a click
 * on the map moves its centre.
 */
export interface MapMarker {
  id: string;
  lat: number;
  lon: number;
  label: string;
  /** CSS colour of the marker. */
  color: string;
  /** Drawn larger, e.g. targeted screens. */
  emphasis?: boolean;
}

export interface MapArea {
  lat: number;
  lon: number;
  radiusM: number;
}

const land: GeoJSON.GeoJsonObject = JSON.parse(landText) as GeoJSON.GeoJsonObject;
const CPH: L.LatLngExpression = [55.6761, 12.5683];

export function MapView(props: {
  markers: MapMarker[];
  area?: MapArea | null;
  onAreaCenter?: (lat: number, lon: number) => void;
  onMarkerClick?: (id: string) => void;
  label: string;
  height?: number;
}) {
  const { t } = useTranslation();
  const el = useRef<HTMLElement>(null);
  const map = useRef<L.Map | null>(null);
  const markerLayer = useRef<L.LayerGroup | null>(null);
  const areaLayer = useRef<L.Circle | null>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const fitted = useRef(false);

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, {
      center: CPH,
      zoom: 11,
      zoomSnap: 0.5,
      attributionControl: true,
      keyboard: true,
    });
    m.attributionControl.setPrefix(false);
    L.geoJSON(land, {
      style: { color: '#8a9a7b', weight: 1, fillColor: '#eef0e6', fillOpacity: 1 },
      interactive: false,
      attribution: '© OpenStreetMap contributors',
    }).addTo(m);
    markerLayer.current = L.layerGroup().addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => handlers.current.onAreaCenter?.(e.latlng.lat, e.latlng.lng));
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    const layer = markerLayer.current;
    const m = map.current;
    if (!layer || !m) return;
    layer.clearLayers();
    for (const mk of props.markers) {
      const c = L.circleMarker([mk.lat, mk.lon], {
        radius: mk.emphasis ? 9 : 7,
        color: '#1b1f24',
        weight: mk.emphasis ? 3 : 1.5,
        fillColor: mk.color,
        fillOpacity: 0.95,
      });
      c.bindTooltip(mk.label);
      c.on('click', (e) => {
        L.DomEvent.stopPropagation(e);
        handlers.current.onMarkerClick?.(mk.id);
      });
      c.addTo(layer);
    }
    if (!fitted.current && props.markers.length > 0) {
      fitted.current = true;
      const b = L.latLngBounds(props.markers.map((mk) => [mk.lat, mk.lon] as L.LatLngTuple));
      m.fitBounds(b.pad(0.3), { maxZoom: 14 });
    }
  }, [props.markers]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const a = props.area;
    if (!a) {
      areaLayer.current?.remove();
      areaLayer.current = null;
      return;
    }
    if (!areaLayer.current) {
      areaLayer.current = L.circle([a.lat, a.lon], {
        radius: a.radiusM,
        color: '#0b5cad',
        weight: 2,
        fillOpacity: 0.12,
        interactive: false,
      }).addTo(m);
    } else {
      areaLayer.current.setLatLng([a.lat, a.lon]);
      areaLayer.current.setRadius(a.radiusM);
    }
  }, [props.area]);

  return (
    <section
      ref={el}
      className="map"
      style={{ height: props.height ?? 360 }}
      aria-label={`${props.label}. ${props.onAreaCenter ? t('map.clickToPlace') : ''}`}
    />
  );
}
