import type { ReactElement } from 'react';

/** Inline SVG icons (bundled; nothing is fetched). Decorative: the words beside them carry the meaning. */
const paths: Record<string, ReactElement> = {
  bus: (
    <path d="M6 3h12a3 3 0 0 1 3 3v11a2 2 0 0 1-2 2v2h-3v-2H8v2H5v-2a2 2 0 0 1-2-2V6a3 3 0 0 1 3-3Zm-1 4v5h14V7H5Zm2 8.5a1.5 1.5 0 1 0 0 .01Zm10 0a1.5 1.5 0 1 0 0 .01Z" />
  ),
  metro: (
    <path d="M4 3h16v13a3 3 0 0 1-3 3l2 2h-3l-2-2h-4l-2 2H5l2-2a3 3 0 0 1-3-3V3Zm3 3v4h4V6H7Zm6 0v4h4V6h-4Zm-5 8a1.5 1.5 0 1 0 0 .01Zm8 0a1.5 1.5 0 1 0 0 .01Z" />
  ),
  train: (
    <path d="M7 2h10a3 3 0 0 1 3 3v10a3 3 0 0 1-2.4 2.9L19 21h-2.5l-1.3-3H8.8l-1.3 3H5l1.4-3.1A3 3 0 0 1 4 15V5a3 3 0 0 1 3-3Zm-1 4v5h12V6H6Zm2 8a1.5 1.5 0 1 0 0 .01Zm8 0a1.5 1.5 0 1 0 0 .01Z" />
  ),
  ferry: (
    <path d="M9 3h6v3h3l1 5-7-2.5L5 11l1-5h3V3Zm3 7 9 3-2.5 5.5A4 4 0 0 1 15 20a4 4 0 0 1-3-1.3A4 4 0 0 1 9 20a4 4 0 0 1-3.5-1.5L3 13l9-3Zm-9 11h2a5.5 5.5 0 0 0 4-1.3 5.5 5.5 0 0 0 6 0 5.5 5.5 0 0 0 4 1.3h2v2h-2a7 7 0 0 1-4-1.1 7 7 0 0 1-6 0A7 7 0 0 1 5 23H3v-2Z" />
  ),
  drop: (
    <path d="M12 2s7 7.6 7 12.5a7 7 0 0 1-14 0C5 9.6 12 2 12 2Zm-3.5 12a1 1 0 0 0-1 1 4.5 4.5 0 0 0 4.5 4.5 1 1 0 0 0 0-2A2.5 2.5 0 0 1 9.5 15a1 1 0 0 0-1-1Z" />
  ),
  parking: <path d="M5 3h8a6 6 0 0 1 0 12h-3v6H5V3Zm5 4v4h3a2 2 0 0 0 0-4h-3Z" />,
  calendar: (
    <path d="M7 2h2v2h6V2h2v2h2a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2V2ZM5 9v11h14V9H5Zm2 2h4v4H7v-4Z" />
  ),
  map: (
    <path d="M12 2a7 7 0 0 1 7 7c0 5-7 13-7 13S5 14 5 9a7 7 0 0 1 7-7Zm0 4.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5Z" />
  ),
  home: <path d="m12 3 9 8h-3v9h-5v-6h-2v6H6v-9H3l9-8Z" />,
  wheelchair: (
    <path d="M11 2a2 2 0 1 1 0 4 2 2 0 0 1 0-4Zm-1 6h3v5h5l3 6-2 1-2.4-4.9H11a1 1 0 0 1-1-1V8Zm-1.5 2.6v2.3A4.5 4.5 0 1 0 15 18.6h2.3A6.7 6.7 0 1 1 8.5 10.6Z" />
  ),
  speaker: (
    <path d="M3 9h4l5-4v14l-5-4H3V9Zm12.5-1.5a6 6 0 0 1 0 9l-1.4-1.4a4 4 0 0 0 0-6.2l1.4-1.4Zm2.8-2.8a10 10 0 0 1 0 14.6l-1.4-1.4a8 8 0 0 0 0-11.8l1.4-1.4Z" />
  ),
  stop: <path d="M6 6h12v12H6z" />,
  up: <path d="m12 4 8 9h-5v7H9v-7H4l8-9Z" />,
  down: <path d="m12 20-8-9h5V4h6v7h5l-8 9Z" />,
  steady: <path d="M4 9h11V4l7 8-7 8v-5H4V9Z" />,
  warning: <path d="M12 2 1 21h22L12 2Zm-1 7h2v6h-2V9Zm0 8h2v2h-2v-2Z" />,
  check: <path d="M9.5 16.2 4.8 11.5l-1.8 1.8 6.5 6.5L21 8.3l-1.8-1.8-9.7 9.7Z" />,
  cross: (
    <path d="m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4 6.4 5Z" />
  ),
  clock: (
    <path d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20Zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16Zm-1 3h2v5.6l4 2.3-1 1.7-5-2.9V7Z" />
  ),
  offline: (
    <path d="m3.3 2 18.7 18.7-1.4 1.4-5.5-5.5L12 20 1 9a16 16 0 0 1 5-3L1.9 3.4 3.3 2Zm8.7 2c4 0 7.8 1.6 11 4.4l-5.3 5.3L8.9 4.3C9.9 4.1 11 4 12 4Z" />
  ),
  back: <path d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20v-2Z" />,
  star: <path d="m12 2 3 7h7l-5.6 4.4L18.5 21 12 16.6 5.5 21l2.1-7.6L2 9h7l3-7Z" />,
};

export type IconName = keyof typeof paths;

export function Icon({ name, size = 48, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="currentColor"
    >
      {paths[name]}
    </svg>
  );
}

export function modeIcon(mode: string): IconName {
  return mode === 'metro'
    ? 'metro'
    : mode === 'train' || mode === 's-train'
      ? 'train'
      : mode === 'ferry'
        ? 'ferry'
        : 'bus';
}
