import { z } from 'zod';
import { CampaignSchema } from './schemas/campaign.ts';
import {
  EventsSnapshotSchema,
  ParkingSnapshotSchema,
  TransportSnapshotSchema,
  WaterSnapshotSchema,
} from './schemas/feeds.ts';
import {
  CommandResultSchema,
  CommandSchema,
  HealthSchema,
  PlaysSchema,
  ScreenConfigSchema,
  StatusSchema,
} from './schemas/screen.ts';

/** Every MQTT payload of the contract, by name, for clients written in other languages. */
export const payloadSchemas = {
  'feed-transport': TransportSnapshotSchema,
  'feed-parking': ParkingSnapshotSchema,
  'feed-water': WaterSnapshotSchema,
  'feed-events': EventsSnapshotSchema,
  campaign: CampaignSchema,
  'screen-config': ScreenConfigSchema,
  command: CommandSchema,
  'command-result': CommandResultSchema,
  status: StatusSchema,
  health: HealthSchema,
  plays: PlaysSchema,
} as const;

export type PayloadName = keyof typeof payloadSchemas;

/** JSON Schema (draft 2020-12) of one payload, as it is on the wire. */
export function jsonSchemaOf(name: PayloadName): Record<string, unknown> {
  const schema = z.toJSONSchema(payloadSchemas[name], { io: 'input', unrepresentable: 'any' });
  return { $id: `https://stander.city/schemas/v1/${name}.json`, title: name, ...schema };
}

export function allJsonSchemas(): Record<PayloadName, Record<string, unknown>> {
  const out = {} as Record<PayloadName, Record<string, unknown>>;
  for (const name of Object.keys(payloadSchemas) as PayloadName[]) out[name] = jsonSchemaOf(name);
  return out;
}
