import {
  CommandResultSchema,
  HealthSchema,
  PlaysSchema,
  StatusSchema,
  decodeShared,
  parseTopic,
} from '../../protocol/index.ts';
import type { ScreenChannel } from '../../protocol/index.ts';
import { invalidMessages, reasonOf } from '../metrics.ts';

/** Schemas of what screens publish, by channel. */
const SCREEN_SCHEMAS = {
  status: StatusSchema,
  health: HealthSchema,
  plays: PlaysSchema,
  'cmd/result': CommandResultSchema,
} as const;

export type ScreenPublishCheck =
  | { ok: true; channel: ScreenChannel }
  | { ok: false; kind: string; reason: string; error: string };

/** Validates a message a screen publishes (topic already authorized). Never throws. */
export function checkScreenPublish(topic: string, payload: Buffer | Uint8Array): ScreenPublishCheck {
  const parsed = parseTopic(topic);
  if (parsed === null || parsed.kind !== 'screen') {
    return { ok: false, kind: 'unknown', reason: 'topic', error: `not a v1 screen topic: ${topic}` };
  }
  const schema = SCREEN_SCHEMAS[parsed.channel as keyof typeof SCREEN_SCHEMAS];
  if (!schema) {
    return {
      ok: false,
      kind: parsed.channel,
      reason: 'topic',
      error: `screens do not publish ${parsed.channel}`,
    };
  }
  // Shared: presence, health and the dashboard receive this same Buffer and get the value without
  // parsing it again (one JSON.parse + zod pass per message instead of three).
  const r = decodeShared(schema, payload);
  if (!r.ok) return { ok: false, kind: parsed.channel, reason: reasonOf(r.error), error: r.error };
  return { ok: true, channel: parsed.channel };
}

/** Counts a dropped message in `stander_invalid_messages_total`. */
export function countInvalid(kind: string, reason: string): void {
  invalidMessages.inc({ kind, reason });
}
