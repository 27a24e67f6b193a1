import { create } from 'qrcode';
import { useMemo } from 'react';

/** Drawn QR codes by text: a view that comes back (every tap between views) does not redo the work. */
const drawn = new Map<string, { d: string; n: number }>();
const DRAWN_MAX = 64;

/** The code's modules as one SVG path (with a 4-module quiet zone), cached. */
export function qrPath(text: string): { d: string; n: number } {
  let q = drawn.get(text);
  if (q) return q;
  const m = create(text, { errorCorrectionLevel: 'M' }).modules;
  const parts: string[] = [];
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) if (m.get(r, c)) parts.push(`M${c + 4} ${r + 4}h1v1h-1z`);
  }
  q = { d: parts.join(''), n: m.size + 8 };
  if (drawn.size >= DRAWN_MAX) drawn.delete(drawn.keys().next().value!);
  drawn.set(text, q);
  return q;
}

/** A QR code drawn as one SVG path, synchronously, black on white with a quiet zone (scannable in both themes). */
export function QrCode({ text, label, size = 320 }: { text: string; label: string; size?: number }) {
  const { d, n } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      className="qr"
      width={size}
      height={size}
      viewBox={`0 0 ${n} ${n}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
