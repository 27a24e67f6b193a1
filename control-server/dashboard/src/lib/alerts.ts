import type { Alert } from '../../../fleet/alerts.ts';
import { api } from '../api.ts';

export type { Alert };

export async function loadAlerts(includeResolved = false): Promise<Alert[]> {
  return (await api.get<{ alerts: Alert[] }>(`/alerts${includeResolved ? '?includeResolved=1' : ''}`)).alerts;
}
