import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { topicMatches } from '../../protocol/index.ts';
import type { Bus, MessageHandler, PublishOptions } from '../bus.ts';
import type { Logger } from '../log.ts';
import { CLIENT_ID_SEPARATOR } from './acl.ts';

/**
 * The server as a client of an external broker (Mosquitto, EMQX, HiveMQ, VerneMQ), behind the same Bus.
 * It reconnects on its own; QoS 1 publishes made while disconnected are queued and sent on reconnect,
 * and subscriptions are renewed.
 */
export interface ExternalBusOptions {
  url: string;
  username: string;
  password: string | null;
  log: Logger;
  /** Seconds; the broker declares us gone (and we notice it) after 1.5x this. */
  keepaliveS?: number;
  connectTimeoutMs?: number;
}

export interface ExternalBus extends Bus {
  readonly client: MqttClient;
  connected(): boolean;
  close(): Promise<void>;
}

export async function connectExternalBroker(o: ExternalBusOptions): Promise<ExternalBus> {
  const url = new URL(o.url);
  // Credentials in the URL win over settings only when the settings give none.
  const username = o.username || decodeURIComponent(url.username);
  const password = o.password ?? (url.password ? decodeURIComponent(url.password) : null);
  url.username = '';
  url.password = '';
  const client = mqtt.connect(url.toString(), {
    clientId: `${username}${CLIENT_ID_SEPARATOR}${randomBytes(4).toString('hex')}`,
    username,
    ...(password !== null ? { password } : {}),
    clean: true,
    keepalive: o.keepaliveS ?? 20,
    reconnectPeriod: 2000,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    protocolVersion: 4,
    resubscribe: true,
  });
  const handlers = new Set<{ filter: string; handler: MessageHandler }>();
  client.on('message', (topic, payload) => {
    for (const h of handlers) {
      if (!topicMatches(h.filter, topic)) continue;
      try {
        h.handler(topic, payload);
      } catch (err) {
        o.log.error({ err, topic }, 'bus handler threw');
      }
    }
  });
  client.on('error', (err) => o.log.warn({ err: err.message, broker: url.host }, 'external broker error'));
  client.on('offline', () => o.log.warn({ broker: url.host }, 'external broker offline; reconnecting'));
  client.on('connect', () => o.log.info({ broker: url.host }, 'connected to external broker'));

  await new Promise<void>((resolve, reject) => {
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      client.end(true);
      reject(new Error(`cannot connect to external broker ${url.host}: ${err.message}`));
    };
    const timer = setTimeout(() => onError(new Error('timed out')), (o.connectTimeoutMs ?? 10_000) + 1000);
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });

  return {
    client,
    connected: () => client.connected,
    async publish(topic: string, payload: Buffer | string, opts: PublishOptions) {
      await client.publishAsync(topic, payload, { qos: opts.qos, retain: opts.retain });
    },
    async subscribe(filter: string, handler: MessageHandler) {
      const entry = { filter, handler };
      handlers.add(entry);
      const granted = await client.subscribeAsync(filter, { qos: 1 });
      if (granted.some((g) => g.qos === 128)) {
        handlers.delete(entry);
        throw new Error(`external broker refused the server's subscription to ${filter} (check its ACL)`);
      }
      return () => {
        handlers.delete(entry);
        if (![...handlers].some((h) => h.filter === filter)) client.unsubscribe(filter);
      };
    },
    async close() {
      await client.endAsync();
    },
  };
}
