/**
 * The control server's own pipe into the MQTT broker, embedded or external.
 * Everything server-side publishes and listens through this; nothing else opens MQTT clients.
 */
export interface PublishOptions {
  retain: boolean;
  qos: 0 | 1;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface Bus {
  publish(topic: string, payload: Buffer | string, opts: PublishOptions): Promise<void>;
  /** Subscribes to an MQTT filter; returns a function that removes this handler. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => void>;
}
