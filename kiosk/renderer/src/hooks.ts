import { useMemo } from 'react';
import type {
  EventsSnapshot,
  ParkingSnapshot,
  TransportSnapshot,
  WaterSnapshot,
} from '../../../protocol/index.ts';
import type { FeedKind } from './lib/feeds.ts';
import { useKiosk } from './store/index.ts';

type SnapshotOf = {
  transport: TransportSnapshot;
  parking: ParkingSnapshot;
  water: WaterSnapshot;
  events: EventsSnapshot;
};

/** The screen's subscribed feeds of one kind in config order, stable between unrelated store changes. */
export function useConfigured<K extends FeedKind>(
  kind: K,
): Array<{ id: string; snapshot: SnapshotOf[K] | null }> {
  const ids = useKiosk((s) => s.kiosk?.config?.feeds[kind]);
  const all = useKiosk((s) => s.kiosk?.feeds[kind]) as Record<string, SnapshotOf[K]> | undefined;
  return useMemo(() => (ids ?? []).map((id) => ({ id, snapshot: all?.[id] ?? null })), [ids, all]);
}
