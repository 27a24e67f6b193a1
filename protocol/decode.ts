import type { z } from 'zod';

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Largest MQTT payload any v1 message may have. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** Human-readable reason from a zod error: "departures.0.plannedAt: Invalid ISO datetime". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Payloads already decoded by {@link decodeShared}, by Buffer identity: the embedded broker validates
 * each message a screen publishes, then hands the same Buffer to the server's own subscribers
 * (presence, health, the dashboard), which would otherwise parse and validate it once more each.
 */
const shared = new WeakMap<object, { schema: z.ZodType; value: unknown }>();

/** Parses and validates a JSON payload (Buffer or string) against a schema; never throws. */
export function decodePayload<S extends z.ZodType>(
  schema: S,
  payload: Buffer | Uint8Array | string,
): Decoded<z.infer<S>> {
  if (typeof payload !== 'string') {
    const hit = shared.get(payload);
    if (hit && hit.schema === schema) return { ok: true, value: hit.value as z.infer<S> };
  }
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size === 0) return { ok: false, error: 'empty payload' };
  if (size > MAX_PAYLOAD_BYTES)
    return { ok: false, error: `payload too large (${size} bytes > ${MAX_PAYLOAD_BYTES})` };
  let json: unknown;
  try {
    const text =
      typeof payload === 'string'
        ? payload
        : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const r = schema.safeParse(json);
  if (!r.success) return { ok: false, error: describeZodError(r.error) };
  return { ok: true, value: r.data };
}

/**
 * decodePayload, and when valid, remembers the value for this very Buffer (not its bytes), so that a
 * later decodePayload of the same Buffer with the same schema returns it without parsing again. Every
 * such caller gets the same object: treat it as read-only (its top level is frozen; a deep freeze
 * cost as much as a tenth of the parse it saves). For Buffers that are not written to afterwards
 * (an MQTT packet's payload).
 */
export function decodeShared<S extends z.ZodType>(
  schema: S,
  payload: Buffer | Uint8Array,
): Decoded<z.infer<S>> {
  const r = decodePayload(schema, payload);
  if (r.ok && !shared.has(payload)) {
    if (r.value !== null && typeof r.value === 'object') Object.freeze(r.value);
    shared.set(payload, { schema, value: r.value });
  }
  return r;
}

/** Serializes a message after validating it, so a bug on our side never puts bad data on the wire. */
export function encodePayload<S extends z.ZodType>(schema: S, value: z.input<S>): Buffer {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`refusing to publish invalid message: ${describeZodError(r.error)}`);
  return Buffer.from(JSON.stringify(r.data));
}
