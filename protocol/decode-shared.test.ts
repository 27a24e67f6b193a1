import { describe, expect, it } from 'vitest';
import { decodePayload, decodeShared } from './decode.ts';
import { HealthSchema, StatusSchema } from './index.ts';

describe('decodeShared', () => {
  const status = {
    state: 'online',
    at: '2026-05-23T16:04:00Z',
    campaigns: [{ id: 'storm-1', version: 2 }],
  };

  it('gives later decodePayload calls of the same Buffer and schema the same value, its top level frozen', () => {
    const buf = Buffer.from(JSON.stringify(status));
    const first = decodeShared(StatusSchema, buf);
    expect(first).toEqual({ ok: true, value: status });
    const again = decodePayload(StatusSchema, buf);
    expect(again.ok && first.ok && again.value === first.value).toBe(true);
    if (!again.ok) throw new Error(again.error);
    expect(Object.isFrozen(again.value)).toBe(true);
    expect(() => {
      (again.value as { state: string }).state = 'offline';
    }).toThrow(TypeError);
  });

  it('does not share across Buffers with the same bytes, nor across schemas', () => {
    const json = JSON.stringify(status);
    const a = Buffer.from(json);
    const shared = decodeShared(StatusSchema, a);
    const other = decodePayload(StatusSchema, Buffer.from(json));
    expect(other).toEqual(shared);
    expect(other.ok && shared.ok && other.value === shared.value).toBe(false);
    if (other.ok) expect(Object.isFrozen(other.value)).toBe(false);
    // A different schema parses again and judges for itself.
    expect(decodePayload(HealthSchema, a).ok).toBe(false);
  });

  it('remembers nothing for an invalid payload', () => {
    const bad = Buffer.from(JSON.stringify({ state: 'sleeping', at: 'x' }));
    expect(decodeShared(StatusSchema, bad).ok).toBe(false);
    expect(decodePayload(StatusSchema, bad).ok).toBe(false);
  });

  it('decodes a Uint8Array view of a larger buffer by its own bytes only', () => {
    const json = JSON.stringify(status);
    const whole = Buffer.from(`xx${json}yy`);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, Buffer.byteLength(json));
    expect(decodePayload(StatusSchema, view)).toEqual({ ok: true, value: status });
  });
});
