/**
 * Freshness rules shared by every screen, the mobile companion and the dashboard's alerts.
 * fresh: age <= ttl; stale: age <= ttl * STALE_FACTOR (shown with an amber "Not updated since"
 * badge); expired: older still (hidden, replaced by a calm message).
 */
export const STALE_FACTOR = 4;

export type Freshness = 'fresh' | 'stale' | 'expired';

export interface FreshnessInfo {
  state: Freshness;
  ageS: number;
}

export function freshnessOf(snapshot: { observedAt: string; ttlS: number }, now: number): FreshnessInfo {
  const observed = Date.parse(snapshot.observedAt);
  const ageS = Math.max(0, Math.round((now - observed) / 1000));
  if (!Number.isFinite(observed)) return { state: 'expired', ageS: Number.POSITIVE_INFINITY };
  if (ageS <= snapshot.ttlS) return { state: 'fresh', ageS };
  if (ageS <= snapshot.ttlS * STALE_FACTOR) return { state: 'stale', ageS };
  return { state: 'expired', ageS };
}
