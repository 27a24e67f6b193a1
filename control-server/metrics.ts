import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one Prometheus registry of the control server. Every module registers its metrics here
 * (through the helpers below, so that registering the same name twice returns the existing metric
 * instead of throwing when a module is loaded by two servers in one test process).
 * `GET /metrics` serves `registry.metrics()`.
 */
export const registry = new Registry();
registry.setDefaultLabels({ app: 'stander-control-server' });
collectDefaultMetrics({ register: registry, prefix: 'stander_' });

type Labels<L extends string> = readonly L[];

export function counter<L extends string = never>(name: string, help: string, labelNames?: Labels<L>) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames: (labelNames ?? []) as L[], registers: [registry] });
}

export function gauge<L extends string = never>(name: string, help: string, labelNames?: Labels<L>) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ name, help, labelNames: (labelNames ?? []) as L[], registers: [registry] });
}

export function histogram<L extends string = never>(
  name: string,
  help: string,
  buckets: number[],
  labelNames?: Labels<L>,
) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({
    name,
    help,
    buckets,
    labelNames: (labelNames ?? []) as L[],
    registers: [registry],
  });
}

/** MQTT messages dropped because they failed validation. `kind` is the topic kind (status, health, plays,
 * cmd/result, feed, campaign, unknown); `reason` is a short class (schema, json, empty, too-large, topic). */
export const invalidMessages = counter(
  'stander_invalid_messages_total',
  'MQTT messages dropped because they failed validation',
  ['kind', 'reason'] as const,
);

/** Publish or subscribe attempts the broker's ACL refused, by action and identity class. */
export const mqttDenied = counter('stander_mqtt_denied_total', 'MQTT operations refused by the ACL', [
  'action',
  'identity',
] as const);

/** Connection attempts refused (bad credentials, client id rule, public identity over TCP). */
export const mqttAuthFailures = counter(
  'stander_mqtt_auth_failures_total',
  'MQTT connections refused at authentication',
  ['reason'] as const,
);

export const mqttClients = gauge('stander_mqtt_clients', 'MQTT clients connected to the embedded broker', [
  'identity',
] as const);

export const screensOnline = gauge('stander_screens_online', 'Screens currently online');

/** Maps a decode error text (protocol/decode.ts) to a low-cardinality reason label. */
export function reasonOf(error: string): string {
  if (error.startsWith('empty payload')) return 'empty';
  if (error.startsWith('payload too large')) return 'too-large';
  if (error.startsWith('not JSON')) return 'json';
  return 'schema';
}
