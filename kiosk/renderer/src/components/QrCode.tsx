import { create } from 'qrcode';
import { useMemo } from 'react';

/** A QR code drawn as one SVG path, synchronously, black on white with a quiet zone (scannable in both themes). */
export function QrCode({ text, label, size = 320 }: { text: string; label: string; size?: number }) {
  const { d, n } = useMemo(() => {
    const m = create(text, { errorCorrectionLevel: 'M' }).modules;
    let path = '';
    for (let r = 0; r < m.size; r++) {
      for (let c = 0; c < m.size; c++) if (m.get(r, c)) path += `M${c + 4} ${r + 4}h1v1h-1z`;
    }
    return { d: path, n: m.size + 8 };
  }, [text]);
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
