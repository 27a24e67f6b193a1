import { describe, expect, it } from 'vitest';
import { decodePayload, describeZodError, encodePayload, MAX_PAYLOAD_BYTES } from './decode.ts';
import { samplePayloads } from './samples.ts';
import { CampaignSchema, StatusSchema } from './index.ts';

describe('decodePayload', () => {
  const status = { state: 'online', at: '2026-05-23T16:04:00Z' };

  it('decodes a Buffer, a Uint8Array and a string', () => {
    const json = JSON.stringify(status);
    for (const p of [Buffer.from(json), new TextEncoder().encode(json), json]) {
      const r = decodePayload(StatusSchema, p);
      expect(r).toEqual({ ok: true, value: status });
    }
  });

  it('refuses an empty payload', () => {
    expect(decodePayload(StatusSchema, Buffer.alloc(0))).toEqual({ ok: false, error: 'empty payload' });
    expect(decodePayload(StatusSchema, '')).toEqual({ ok: false, error: 'empty payload' });
  });

  it('refuses non-JSON with the parser reason', () => {
    const r = decodePayload(StatusSchema, Buffer.from('{"state": online'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^not JSON: /);
  });

  it('refuses an oversized payload before parsing it', () => {
    const big = Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20);
    const r = decodePayload(StatusSchema, big);
    expect(r).toEqual({
      ok: false,
      error: `payload too large (${MAX_PAYLOAD_BYTES + 1} bytes > ${MAX_PAYLOAD_BYTES})`,
    });
  });

  it('names the field path and reason of an invalid payload', () => {
    const c = samplePayloads().campaign;
    (c.slides as Array<Record<string, unknown>>)[0]!.durationS = 1;
    const r = decodePayload(CampaignSchema, JSON.stringify(c));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^slides\.0\.durationS: .*>=2/);
  });

  it('reports (root) for a wrong top-level type and caps the list at five issues', () => {
    const r1 = decodePayload(StatusSchema, '42');
    expect(r1.ok === false && r1.error).toMatch(/^\(root\): /);
    const r2 = decodePayload(CampaignSchema, '{}');
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.split('; ').length).toBeLessThanOrEqual(5);
  });

  it('strips unknown keys rather than passing them on', () => {
    const r = decodePayload(StatusSchema, JSON.stringify({ ...status, evil: '<script>' }));
    expect(r.ok && 'evil' in r.value).toBe(false);
  });
});

describe('encodePayload', () => {
  it('serializes a valid message with defaults applied', () => {
    const buf = encodePayload(CampaignSchema, {
      id: 'c1',
      version: 1,
      updatedAt: '2026-05-23T16:04:00Z',
      name: 'x',
      target: { all: true },
      slides: [{ kind: 'text', title: { en: 'x' }, durationS: 10 }],
    });
    expect(JSON.parse(buf.toString())).toMatchObject({ id: 'c1', priority: 'normal' });
  });

  it('refuses to publish an invalid message', () => {
    expect(() => encodePayload(StatusSchema, { state: 'gone', at: 'now' } as never)).toThrow(
      /refusing to publish invalid message: state: .*; at: /,
    );
  });

  it('describeZodError joins path and message', () => {
    const r = StatusSchema.safeParse({ state: 'online' });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeZodError(r.error)).toMatch(/^at: /);
  });
});
