/**
 * Sunrise and sunset from the NOAA solar position approximation (accurate to a minute or two at
 * Copenhagen's latitude, which is all a day/night theme needs).
 */
export const COPENHAGEN = { lat: 55.6761, lon: 12.5683 };

const rad = Math.PI / 180;

/** Sunrise and sunset (ms since epoch) of the UTC day containing `t`; null in polar day/night. */
export function sunTimes(
  t: number,
  lat = COPENHAGEN.lat,
  lon = COPENHAGEN.lon,
): { rise: number; set: number } | null {
  const day = Math.floor(t / 86_400_000);
  const noonUtc = day * 86_400_000 + 43_200_000;
  const jc = (noonUtc / 86_400_000 + 2440587.5 - 2451545) / 36525;
  const l0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360;
  const m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const c =
    Math.sin(m * rad) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
    Math.sin(2 * m * rad) * (0.019993 - 0.000101 * jc) +
    Math.sin(3 * m * rad) * 0.000289;
  const trueLong = l0 + c;
  const omega = 125.04 - 1934.136 * jc;
  const lambda = trueLong - 0.00569 - 0.00478 * Math.sin(omega * rad);
  const eps0 = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const eps = eps0 + 0.00256 * Math.cos(omega * rad);
  const decl = Math.asin(Math.sin(eps * rad) * Math.sin(lambda * rad)) / rad;
  const y = Math.tan((eps / 2) * rad) ** 2;
  const eqTime =
    (4 *
      (y * Math.sin(2 * l0 * rad) -
        2 * e * Math.sin(m * rad) +
        4 * e * y * Math.sin(m * rad) * Math.cos(2 * l0 * rad) -
        0.5 * y * y * Math.sin(4 * l0 * rad) -
        1.25 * e * e * Math.sin(2 * m * rad))) /
    rad;
  const cosH =
    Math.cos(90.833 * rad) / (Math.cos(lat * rad) * Math.cos(decl * rad)) -
    Math.tan(lat * rad) * Math.tan(decl * rad);
  if (cosH < -1 || cosH > 1) return null;
  const ha = Math.acos(cosH) / rad;
  const noonMin = 720 - 4 * lon - eqTime;
  const base = day * 86_400_000;
  return { rise: base + (noonMin - 4 * ha) * 60_000, set: base + (noonMin + 4 * ha) * 60_000 };
}

export type Theme = 'day' | 'night';

export function themeAt(t: number, lat?: number, lon?: number): Theme {
  const s = sunTimes(t, lat, lon);
  if (!s) return 'day';
  return t >= s.rise && t < s.set ? 'day' : 'night';
}
