import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schedule } from '../../../../protocol/index.ts';
import { fmtDateTime, fmtTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { occurrences } from '../lib/occurrences.ts';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Start, end, weekdays and daily windows (Copenhagen time), with the next times it plays. */
export function ScheduleEditor({
  schedule,
  onChange,
}: {
  schedule: Schedule | undefined;
  onChange: (s: Schedule | undefined) => void;
}) {
  const { t, i18n } = useTranslation();
  const s: Schedule = schedule ?? {};
  const set = (patch: Partial<Schedule>) => {
    const next = { ...s, ...patch } as Record<string, unknown>;
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    onChange(Object.keys(next).length ? (next as Schedule) : undefined);
  };
  const weekdays = s.weekdays ?? [...WEEKDAYS];
  const daily = s.daily ?? [];
  const now = useMemo(() => Date.now(), []);
  const occ = useMemo(() => {
    try {
      return occurrences(schedule, now, 14 * 86_400_000, 8);
    } catch {
      return [];
    }
  }, [schedule, now]);
  const dayName = (d: number) =>
    new Intl.DateTimeFormat(i18n.language === 'da' ? 'da-DK' : 'en-GB', {
      weekday: 'short',
      timeZone: 'UTC',
    }).format(
      new Date(Date.UTC(2024, 0, d)), // 2024-01-01 was a Monday
    );

  return (
    <div className="schedule">
      <div className="row wrap">
        <label>
          {t('schedule.start')}
          <input
            type="datetime-local"
            value={isoToLocalInput(s.start)}
            onChange={(e) => set({ start: localInputToIso(e.target.value) })}
          />
        </label>
        <label>
          {t('schedule.end')}
          <input
            type="datetime-local"
            value={isoToLocalInput(s.end)}
            onChange={(e) => set({ end: localInputToIso(e.target.value) })}
          />
        </label>
      </div>
      <fieldset className="weekdays">
        <legend>{t('schedule.weekdays')}</legend>
        {WEEKDAYS.map((d) => (
          <label key={d} className="check">
            <input
              type="checkbox"
              checked={weekdays.includes(d)}
              onChange={(e) => {
                const next = e.target.checked ? [...weekdays, d].sort() : weekdays.filter((x) => x !== d);
                set({ weekdays: next.length === 7 || next.length === 0 ? undefined : next });
              }}
            />
            {dayName(d)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('schedule.daily')}</legend>
        {daily.length === 0 && <p className="muted small">{t('schedule.allDay')}</p>}
        {daily.map((w, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: windows have no ids
          <div className="row" key={i}>
            <label>
              {t('schedule.from')}
              <input
                type="time"
                value={w.from}
                onChange={(e) =>
                  set({ daily: daily.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)) })
                }
              />
            </label>
            <label>
              {t('schedule.to')}
              <input
                type="time"
                value={w.to === '24:00' ? '00:00' : w.to}
                onChange={(e) =>
                  set({ daily: daily.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)) })
                }
              />
            </label>
            <button
              type="button"
              className="secondary small"
              onClick={() => set({ daily: daily.length > 1 ? daily.filter((_, j) => j !== i) : undefined })}
            >
              {t('schedule.removeWindow')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="secondary small"
          onClick={() => set({ daily: [...daily, { from: '08:00', to: '18:00' }] })}
        >
          {t('schedule.addWindow')}
        </button>
      </fieldset>
      <section className="occurrences" aria-labelledby="occ-title">
        <h3 id="occ-title">{t('schedule.nextTimes')}</h3>
        {occ.length === 0 ? (
          <p className="notice warn">{t('schedule.never')}</p>
        ) : (
          <ol>
            {occ.map((o) => (
              <li key={o.start}>
                {fmtDateTime(new Date(o.start).toISOString(), i18n.language)} –{' '}
                {o.open ? t('schedule.onwards') : fmtTime(new Date(o.end).toISOString(), i18n.language)}
              </li>
            ))}
          </ol>
        )}
        <p className="muted small">{t('schedule.tz')}</p>
      </section>
    </div>
  );
}
