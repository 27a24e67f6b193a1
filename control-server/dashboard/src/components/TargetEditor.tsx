import { useMemo } from 'react';
import { api } from '../api.ts';
import { asList } from '../lib/data.ts';
import { useAsync } from '../lib/useAsync.ts';
import { useTranslation } from 'react-i18next';
import type { ScreenView, Target } from '../../../../protocol/index.ts';
import { isTargeted } from '../../../../protocol/schedule.ts';
import { MapView } from './MapView.tsx';

/** Targeting: all, or any of groups, tags, screens and an area on the map (a union, as on the screens). */
export function TargetEditor({
  target,
  screens,
  onChange,
}: {
  target: Target;
  screens: ScreenView[];
  onChange: (t: Target) => void;
}) {
  const { t } = useTranslation();
  // Named groups (GET /api/v1/groups) and any group a screen names, so nothing is hidden.
  const named = useAsync(
    async () => asList<{ id: string; name: string }>(await api.get<unknown>('/groups'), 'groups'),
    [],
  );
  const groupNames = useMemo(
    () =>
      Object.fromEntries(
        (named.data ?? []).map((g) => [g.id, g.name === g.id ? g.id : `${g.name} (${g.id})`]),
      ),
    [named.data],
  );
  const groups = useMemo(
    () => [...new Set([...screens.flatMap((s) => s.groups), ...Object.keys(groupNames)])].sort(),
    [screens, groupNames],
  );
  const tags = useMemo(() => [...new Set(screens.flatMap((s) => s.tags))].sort(), [screens]);
  const targeted = useMemo(
    () =>
      screens.filter((s) =>
        isTargeted(target, { id: s.id, groups: s.groups, tags: s.tags, location: s.location }),
      ),
    [screens, target],
  );
  const toggle = (key: 'groups' | 'tags' | 'screens', v: string, on: boolean) => {
    const cur = new Set(target[key] ?? []);
    if (on) cur.add(v);
    else cur.delete(v);
    onChange({ ...target, [key]: [...cur] });
  };
  const area = target.area ?? null;
  const markers = useMemo(() => {
    const ids = new Set(targeted.map((s) => s.id));
    return screens.map((s) => ({
      id: s.id,
      lat: s.location.lat,
      lon: s.location.lon,
      label: `${s.name} — ${ids.has(s.id) ? t('target.targeted') : t('target.notTargeted')}`,
      color: ids.has(s.id) ? '#0b5cad' : '#9aa5b1',
      emphasis: ids.has(s.id),
    }));
  }, [screens, targeted, t]);

  return (
    <div className="target">
      <p className="summary" aria-live="polite">
        <strong>{t('target.count', { n: targeted.length, total: screens.length })}</strong>
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={target.all === true}
          onChange={(e) => onChange({ ...target, all: e.target.checked })}
        />
        {t('target.all')}
      </label>
      <div className="grid3">
        <Choices
          legend={t('target.groups')}
          options={groups}
          labels={groupNames}
          selected={target.groups ?? []}
          disabled={target.all === true}
          onToggle={(v, on) => toggle('groups', v, on)}
          empty={t('target.noGroups')}
        />
        <Choices
          legend={t('target.tags')}
          options={tags}
          selected={target.tags ?? []}
          disabled={target.all === true}
          onToggle={(v, on) => toggle('tags', v, on)}
          empty={t('target.noTags')}
        />
        <Choices
          legend={t('target.screens')}
          options={screens.map((s) => s.id)}
          labels={Object.fromEntries(screens.map((s) => [s.id, s.name]))}
          selected={target.screens ?? []}
          disabled={target.all === true}
          onToggle={(v, on) => toggle('screens', v, on)}
          empty={t('target.noScreens')}
        />
      </div>
      <fieldset className="area" disabled={target.all === true}>
        <legend>{t('target.area')}</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={!!area}
            onChange={(e) =>
              onChange({
                ...target,
                area: e.target.checked ? { lat: 55.6761, lon: 12.5683, radiusM: 1000 } : undefined,
              })
            }
          />
          {t('target.useArea')}
        </label>
        {area && (
          <div className="row wrap">
            <label>
              {t('target.radius')}
              <input
                type="range"
                min={100}
                max={10000}
                step={100}
                value={area.radiusM}
                onChange={(e) => onChange({ ...target, area: { ...area, radiusM: Number(e.target.value) } })}
              />
              <output>{(area.radiusM / 1000).toFixed(1)} km</output>
            </label>
            <span className="muted small">
              {t('target.center', { lat: area.lat.toFixed(4), lon: area.lon.toFixed(4) })}
            </span>
          </div>
        )}
      </fieldset>
      <MapView
        label={t('target.mapLabel')}
        markers={markers}
        area={area}
        onAreaCenter={
          area && target.all !== true
            ? (lat, lon) => onChange({ ...target, area: { ...area, lat: round5(lat), lon: round5(lon) } })
            : undefined
        }
        height={320}
      />
    </div>
  );
}

const round5 = (n: number) => Math.round(n * 1e5) / 1e5;

function Choices(props: {
  legend: string;
  options: string[];
  labels?: Record<string, string>;
  selected: string[];
  disabled: boolean;
  empty: string;
  onToggle: (v: string, on: boolean) => void;
}) {
  return (
    <fieldset className="choices" disabled={props.disabled}>
      <legend>{props.legend}</legend>
      {props.options.length === 0 && <p className="muted small">{props.empty}</p>}
      <ul>
        {props.options.map((o) => (
          <li key={o}>
            <label className="check">
              <input
                type="checkbox"
                checked={props.selected.includes(o)}
                onChange={(e) => props.onToggle(o, e.target.checked)}
              />
              {props.labels?.[o] ?? o}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
