import { describe, expect, it } from 'vitest';
import { ALLOWED_MIME, isAllowedMime, sniffMatches } from './content-types.ts';

const bytes = (...parts: Array<number[] | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const samples: Record<(typeof ALLOWED_MIME)[number], Buffer> = {
  'image/png': bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 13]),
  'image/jpeg': bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'),
  'image/gif': bytes('GIF89a', [1, 0, 1, 0]),
  'image/webp': bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
  'video/mp4': bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]),
  'video/webm': bytes([0x1a, 0x45, 0xdf, 0xa3], [0x9f, 0x42, 0x86, 0x81]),
};

describe('content types', () => {
  it('allows images and videos screens can show, never svg or html', () => {
    for (const m of ALLOWED_MIME) expect(isAllowedMime(m)).toBe(true);
    for (const m of ['image/svg+xml', 'text/html', 'application/pdf', 'image/PNG', '', 'video/quicktime']) {
      expect(isAllowedMime(m), m).toBe(false);
    }
  });

  it('recognises each type by its first bytes and refuses the others', () => {
    for (const [mime, head] of Object.entries(samples) as Array<[(typeof ALLOWED_MIME)[number], Buffer]>) {
      expect(sniffMatches(mime, head), mime).toBe(true);
      for (const [other, otherHead] of Object.entries(samples)) {
        if (other !== mime) expect(sniffMatches(mime, otherHead), `${mime} vs ${other}`).toBe(false);
      }
      expect(sniffMatches(mime, Buffer.from('<!doctype html><script>')), `${mime} vs html`).toBe(false);
      expect(sniffMatches(mime, head.subarray(0, 2)), `${mime} truncated`).toBe(false);
    }
  });
});
