import type { ReactNode } from 'react';

/** The scrolling body of a view: focusable so a keypad can scroll it, named after the view. */
export function Scroll({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keypad
    <section className="scroll" tabIndex={0} aria-labelledby={labelledBy}>
      {children}
    </section>
  );
}
