/** Formatting in the UI language; times shown in Europe/Copenhagen, where the screens are. */
export const TIME_ZONE = 'Europe/Copenhagen';

export function fmtDateTime(iso: string | null | undefined, lng: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(lng === 'da' ? 'da-DK' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(d);
}

export function fmtTime(iso: string | null | undefined, lng: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lng === 'da' ? 'da-DK' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: TIME_ZONE,
  }).format(new Date(iso));
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function fmtAge(fromIso: string | null | undefined, now: number, lng: string): string {
  if (!fromIso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  const rtf = new Intl.RelativeTimeFormat(lng === 'da' ? 'da' : 'en', { numeric: 'auto' });
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}

/** A datetime-local input value ("2026-05-01T10:00") in Copenhagen time -> ISO with offset. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const [date, time] = value.split('T');
  if (!date || !time) return undefined;
  // Find the offset of Copenhagen at that wall time (try +1 and +2 hours).
  for (const off of ['+02:00', '+01:00']) {
    const iso = `${date}T${time.slice(0, 5)}:00${off}`;
    if (isoToLocalInput(iso) === `${date}T${time.slice(0, 5)}`) return iso;
  }
  return `${date}T${time.slice(0, 5)}:00+01:00`;
}

/** ISO -> the datetime-local value in Copenhagen time. */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
