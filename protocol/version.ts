/** The MQTT contract version. Every topic starts with `${PROTOCOL_VERSION}/`. */
export const PROTOCOL_VERSION = 'v1' as const;
export type ProtocolVersion = typeof PROTOCOL_VERSION;
