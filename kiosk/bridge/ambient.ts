import { z } from 'zod';
import { describeZodError, IsoDateTime } from '../../protocol/index.ts';
import type { AmbientReading } from './types.ts';

/**
 * Validation of the ambient light reading where it crosses a boundary: hardware -> agent (the
 * HardwarePort's listener) and agent -> UI (the state on the bridge). 200 000 lux is well above
 * direct sunlight (~120 000); anything beyond is a broken sensor, not light.
 */
export const AmbientReadingSchema = z.object({
  lux: z.number().finite().min(0).max(200_000),
  at: IsoDateTime,
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _agree: Same<z.infer<typeof AmbientReadingSchema>, AmbientReading> = true;
void _agree;

export type AmbientCheck = { ok: true; value: AmbientReading | null } | { ok: false; error: string };

/** null (no sensor) is valid; anything else must be a reading. Never throws. */
export function checkAmbient(v: unknown): AmbientCheck {
  if (v === null) return { ok: true, value: null };
  const r = AmbientReadingSchema.safeParse(v);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: describeZodError(r.error) };
}

/** Same reading (the agent skips re-broadcasting the whole state for it). */
export function sameAmbient(a: AmbientReading | null | undefined, b: AmbientReading | null | undefined) {
  return (a ?? null) === (b ?? null) || (!!a && !!b && a.lux === b.lux && a.at === b.at);
}
