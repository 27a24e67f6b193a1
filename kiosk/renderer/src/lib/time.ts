/** Dates, times and numbers through Intl, always in Europe/Copenhagen time. */
export const TZ = 'Europe/Copenhagen';

const cache = new Map<string, Intl.DateTimeFormat>();
/** A cached formatter; `name` identifies `opts` (so a call costs a map lookup, not a JSON.stringify). */
function fmt(lang: string, opts: Intl.DateTimeFormatOptions, name: string): Intl.DateTimeFormat {
  const key = `${lang}|${name}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(lang), { timeZone: TZ, ...opts });
    cache.set(key, f);
  }
  return f;
}

/** BCP 47 locale for a UI language (Danish, English as used in Europe, German). */
export function locale(lang: string): string {
  return lang === 'en' ? 'en-GB' : lang === 'da' ? 'da-DK' : lang === 'de' ? 'de-DE' : lang;
}

export function formatTime(t: number | string, lang: string): string {
  // "14:32" in every language: hour and minute, 24-hour clock.
  return fmt(lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, 'time')
    .format(new Date(t))
    .replace('.', ':');
}

export function formatDate(t: number | string, lang: string): string {
  return fmt(lang, { weekday: 'long', day: 'numeric', month: 'long' }, 'date').format(new Date(t));
}

export function formatDayShort(t: number | string, lang: string): string {
  return fmt(lang, { weekday: 'short', day: 'numeric', month: 'short' }, 'dayShort').format(new Date(t));
}

const numbers = new Map<string, Intl.NumberFormat>();
export function formatNumber(n: number, lang: string, digits = 0): string {
  // Building an Intl formatter costs far more than formatting: one per language and precision.
  const key = `${lang}|${digits}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numbers.set(key, f);
  }
  return f.format(n);
}

export function formatTemp(c: number, lang: string): string {
  return `${formatNumber(c, lang, 1)} °C`;
}

/** Calendar date "YYYY-MM-DD" of an instant in Copenhagen. */
export function cphDay(t: number | string): string {
  const parts = fmt('en', { year: 'numeric', month: '2-digit', day: '2-digit' }, 'ymd').formatToParts(
    new Date(t),
  );
  const get = (k: string) => parts.find((p) => p.type === k)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** ISO weekday (1 = Monday) of an instant in Copenhagen. */
export function cphWeekday(t: number | string): number {
  const w = fmt('en', { weekday: 'short' }, 'weekday').format(new Date(t));
  return ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(w) + 1;
}

/** Adds whole days to a "YYYY-MM-DD" date. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
