/**
 * Media types screens may show, and a check of the file's first bytes against the declared type
 * (an HTML page uploaded as "image/png" is refused). SVG is not allowed: it can carry script.
 */
export const ALLOWED_MIME = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'video/mp4',
  'video/webm',
] as const;
export type AllowedMime = (typeof ALLOWED_MIME)[number];

export function isAllowedMime(m: string): m is AllowedMime {
  return (ALLOWED_MIME as readonly string[]).includes(m);
}

/** Bytes needed by sniff(). */
export const SNIFF_BYTES = 16;

const ascii = (b: Uint8Array, from: number, to: number) =>
  Buffer.from(b.subarray(from, to)).toString('latin1');

/** True when the first bytes look like the declared type. */
export function sniffMatches(mime: AllowedMime, head: Uint8Array): boolean {
  switch (mime) {
    case 'image/png':
      return (
        head.length >= 8 &&
        Buffer.from(head.subarray(0, 8)).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      );
    case 'image/jpeg':
      return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    case 'image/gif':
      return head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a');
    case 'image/webp':
      return head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP';
    case 'video/mp4':
      return head.length >= 12 && ascii(head, 4, 8) === 'ftyp';
    case 'video/webm':
      return head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
  }
}
